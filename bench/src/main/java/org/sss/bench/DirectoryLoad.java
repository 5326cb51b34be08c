package org.sss.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.ComponentMain;
import org.sss.lib.wire.Endpoint;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

/**
 * Load on a running service directory: N clients, each on its own authenticated connection, each making M
 * {@code get-location} calls one after another. Prints request/replies per second and latency percentiles.
 *
 * <pre>DirectoryLoad --config FILE [--clients N] [--calls M] [--warmup W] [--mode full|raw]</pre>
 * {@code full}: the client encodes and validates each request and decodes and validates each reply, as every
 * component does. {@code raw}: the client sends pre-encoded bytes and only frames the reply (as a load generator
 * like wrk would); the directory validates both ways in either mode.
 */
public final class DirectoryLoad {
    private DirectoryLoad() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws InterruptedException {
        ComponentMain.logLevel("warn");
        Path config = null;
        int clients = 8;
        int calls = 20_000;
        int warmup = 2_000;
        String mode = "full";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        SssConfig loaded;
        try {
            loaded = ConfigLoader.load(config != null ? config : SssConfig.defaultPath());
        } catch (ConfigException e) {
            System.err.println("DirectoryLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(loaded, clients, calls, warmup, mode.equals("raw"));
    }

    private static GetLocation request() {
        GetLocation request = new GetLocation();
        LocationType restriction = new LocationType();
        restriction.setComponent("service-directory");
        restriction.setHost("*");
        restriction.setPort("*");
        request.getLocation().add(restriction);
        return request;
    }

    private static void run(SssConfig config, int clients, int calls, int warmup, boolean raw) throws InterruptedException {
        Endpoint directory = config.directoryEndpoint();
        long[][] latencies = new long[clients][calls];
        CountDownLatch warmedUp = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        AtomicLong startNanos = new AtomicLong();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                try (SssClient sss = SssClient.fromConfig(config)) {
                    GetLocation request = request();
                    byte[] bytes = sss.codec().encode(request);
                    for (int i = 0; i < warmup; i++) {
                        call(sss, directory, request, bytes, raw);
                    }
                    warmedUp.countDown();
                    go.await();
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        call(sss, directory, request, bytes, raw);
                        latencies[client][i] = System.nanoTime() - t0;
                    }
                } catch (SssException | RuntimeException e) {
                    failures.incrementAndGet();
                    System.err.println("client " + client + " failed: " + e.getMessage());
                    warmedUp.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        warmedUp.await();
        startNanos.set(System.nanoTime());
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - startNanos.get()) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        System.out.printf("directory %s, mode %s, %d clients x %d calls (after %d warm-up calls each), %d failed clients%n",
                directory, raw ? "raw" : "full", clients, calls, warmup, failures.get());
        System.out.printf("%d request/replies in %.2f s: %.0f per second; latency p50 %.1f us, p99 %.1f us, max %.1f us%n",
                all.length, seconds, all.length / seconds, percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3,
                all.length == 0 ? 0 : all[all.length - 1] / 1e3);
    }

    private static void call(SssClient sss, Endpoint directory, GetLocation request, byte[] bytes, boolean raw) throws SssException {
        if (raw) {
            byte[] reply = sss.exchange(directory, bytes);
            if (reply.length == 0 || reply[1] != 'l') {
                throw new SssException(org.sss.lib.error.ErrorCode.UNKNOWN, "unexpected reply "
                        + new String(reply, StandardCharsets.UTF_8));
            }
        } else {
            Locations reply = sss.call(directory, request, Locations.class);
            if (reply.getLocation().isEmpty()) {
                throw new SssException(org.sss.lib.error.ErrorCode.UNKNOWN, "empty reply");
            }
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }
}
