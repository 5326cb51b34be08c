package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;

/**
 * Issue 10, item 5: 5,000 clients hold connections to one component (the service directory) at the same time, each
 * authenticating and getting an answer while all the others are connected; afterwards the process's open file
 * descriptors and threads return to where they were (no leak). Prints the counts.
 */
class LoadIntegrationTest {
    private static final int CLIENTS = 5000;
    private static final String REQUEST = "<get-location><location component=\"*\"/></get-location>";

    @TempDir
    Path dir;

    @Test
    void fiveThousandConcurrentClientsAreAllServedAndNothingLeaks() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir), false)) {
            Endpoint directory = suite.directoryEndpoint();
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            oneClient(directory, key, null, null);
            System.gc();
            long fdsBefore = openFiles();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            AtomicInteger served = new AtomicInteger();
            CountDownLatch allServed = new CountDownLatch(CLIENTS);
            long started = System.nanoTime();
            List<Future<?>> clients = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(pool.submit(() -> {
                        oneClient(directory, key, served, allServed);
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get(120, TimeUnit.SECONDS);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(served.get()).isEqualTo(CLIENTS);
            await("descriptors and threads back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> openFiles() <= fdsBefore + 5
                            && ManagementFactory.getThreadMXBean().getThreadCount() <= threadsBefore + 5);
            System.out.printf("load: %d clients connected at once to the service directory, %d served in %d ms; "
                            + "descriptors %d before, %d after; threads %d before, %d after%n", CLIENTS, served.get(), millis,
                    fdsBefore, openFiles(), threadsBefore, ManagementFactory.getThreadMXBean().getThreadCount());
            oneClient(directory, key, null, null);
        }
    }

    /** Connects, authenticates, asks, checks the answer; with a latch, holds the connection until every client has one. */
    private static void oneClient(Endpoint endpoint, byte[] key, AtomicInteger served, CountDownLatch allServed)
            throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 60_000);
            socket.setSoTimeout(120_000);
            InputStream in = socket.getInputStream();
            StringBuilder challenge = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("closed during the challenge");
                }
                challenge.append((char) b);
            }
            socket.getOutputStream().write((Digest.HMAC_SHA256.answer(challenge.toString(), key) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (in.read() != '1') {
                throw new IOException("refused");
            }
            byte[] payload = REQUEST.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write((payload.length + " " + REQUEST).getBytes(StandardCharsets.UTF_8));
            StringBuilder count = new StringBuilder();
            for (int b = in.read(); b != ' '; b = in.read()) {
                if (b < 0) {
                    throw new IOException("closed before the answer");
                }
                count.append((char) b);
            }
            String reply = new String(in.readNBytes(Integer.parseInt(count.toString())), StandardCharsets.UTF_8);
            if (!reply.startsWith("<locations")) {
                throw new IOException("unexpected answer: " + reply);
            }
            if (served != null) {
                served.incrementAndGet();
                allServed.countDown();
                if (!allServed.await(120, TimeUnit.SECONDS)) {
                    throw new IOException("not every client was served within 120 s");
                }
            }
        }
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
