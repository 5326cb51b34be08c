package org.sss.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.ComponentMain;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.CreatepgType;
import org.sss.schema.OutputMode;
import org.sss.schema.PgSpec;
import org.sss.schema.PgType;

/**
 * Process groups through a running process manager, create to end: C clients, each creating a trivial group
 * ({@code /bin/true} on R ranks) and waiting for its end, G times one after another. Prints groups per second and
 * the create-to-end latency percentiles.
 *
 * <pre>GroupThroughput --config FILE [--clients C] [--groups G] [--ranks R] [--warmup W]</pre>
 */
public final class GroupThroughput {
    private GroupThroughput() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws InterruptedException {
        ComponentMain.logLevel("warn");
        Path config = null;
        int clients = 1;
        int groups = 200;
        int ranks = 1;
        int warmup = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--groups" -> groups = Integer.parseInt(args[++i]);
                case "--ranks" -> ranks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        SssConfig loaded;
        try {
            loaded = ConfigLoader.load(config != null ? config : SssConfig.defaultPath());
        } catch (ConfigException e) {
            System.err.println("GroupThroughput: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(loaded, clients, groups, ranks, warmup);
    }

    private static CreatepgType trivial(int ranks) {
        CreatepgType request = new CreatepgType();
        request.setTotalprocs(ranks);
        request.setOutput(OutputMode.DISCARD);
        PgSpec spec = new PgSpec();
        spec.setExec("/bin/true");
        request.getProcessSpecOrHostSpec().add(spec);
        return request;
    }

    private static void run(SssConfig config, int clients, int groups, int ranks, int warmup) throws InterruptedException {
        long[][] latencies = new long[clients][groups];
        CountDownLatch warmedUp = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("groups-" + c).start(() -> {
                try (SssClient wire = SssClient.fromConfig(config)) {
                    ProcessManagerClient pm = new ProcessManagerClient(new ComponentClient(wire,
                            new DirectoryClient(wire, config.directoryEndpoint())));
                    for (int i = 0; i < warmup; i++) {
                        once(pm, ranks);
                    }
                    warmedUp.countDown();
                    go.await();
                    for (int i = 0; i < groups; i++) {
                        long t0 = System.nanoTime();
                        once(pm, ranks);
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
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Percentiles all = new Percentiles(latencies);
        System.out.printf("%d clients x %d groups of %d rank(s) of /bin/true (after %d warm-up groups each), %d failed clients%n",
                clients, groups, ranks, warmup, failures.get());
        System.out.printf("%d groups created and ended in %.2f s: %.1f groups per second; create-to-end p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms%n", all.count(), seconds, all.count() / seconds, all.millis(0.50),
                all.millis(0.99), all.maxMillis());
    }

    private static void once(ProcessManagerClient pm, int ranks) throws SssException {
        String pgid = pm.create(trivial(ranks));
        PgType end = pm.waitFor(pgid, java.time.Duration.ofSeconds(60));
        if (end.getExitStatus() == null || end.getExitStatus() != 0) {
            throw new SssException(org.sss.lib.error.ErrorCode.UNKNOWN, "group " + pgid + " ended with " + end.getExitStatus()
                    + ": " + end.getReason());
        }
    }
}
