package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.JobRequest.ProcessSet;
import org.sss.mpd.client.MpdConsole;

/**
 * A job whose console stops reading (mpiexec under Ctrl-Z, or piped into a pager that waits): its ranks block in
 * their writes, as on a full terminal, while the mpds go on serving every other job; the mpds do not buffer the
 * output; and once the console reads again, every byte arrives.
 */
class MpdConsoleFlowIntegrationTest {
    private static final long PER_RANK = 48L << 20;

    @TempDir
    Path dir;

    @Test
    void aConsoleThatStopsReadingHoldsItsOwnJobOnlyAndLosesNothing() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 120)) {
            List<String> hosts = ring.hosts();
            String both = String.join(",", hosts);
            // mpiexec's own output is not read: once the pipe to this test is full, mpiexec blocks writing to it and
            // stops reading its connection to the mpd.
            Process flood = ring.startMpiexec("-hosts", both, "-n", "2", "sh", "-c",
                    "echo $$ > " + dir + "/pid-$PMI_RANK; exec head -c " + PER_RANK + " /dev/zero");
            CompletableFuture<String> floodErrors = LocalRing.drain(flood.getErrorStream());
            for (int rank = 0; rank < 2; rank++) {
                Path pid = dir.resolve("pid-" + rank);
                await("rank " + rank + " blocked writing its output").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> blockedInPipeWrite(pid));
            }

            LocalRing.Result other = CompletableFuture.supplyAsync(() -> ring.mpiexec("-hosts", both, "-n", "2",
                    "echo", "served")).get(30, TimeUnit.SECONDS);
            assertThat(other.exit()).as(other.stderr()).isZero();
            assertThat(other.lines()).containsExactly("served", "served");

            long heap = ring.mpds().getFirst().liveHeapBytes();
            // What was on its way when the hold went out still arrives (on loopback, at /dev/zero's rate, up to
            // some 30 MB); without the hold, both ranks' whole output (96 MiB) would wait in the root mpd.
            assertThat(heap).as("the root mpd's live heap while the console does not read").isLessThan(64L << 20);

            long read = count(flood.getInputStream());
            assertThat(flood.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(flood.exitValue()).as(floodErrors.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(read).as("every byte of both ranks' output").isEqualTo(2 * PER_RANK);
        }
    }

    /**
     * A detached job held for a console that attached and never read goes on when another console attaches (the new
     * one has nothing waiting and would never "catch up"), and that console gets the job to its end.
     */
    @Test
    void aDetachedJobHeldForAConsoleThatDoesNotReadGoesOnWhenAnotherAttaches() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 1, 126)) {
            Path go = dir.resolve("go");
            JobRequest request = JobRequest.of(ProcessSet.of(1, "/bin/sh", "-c", "echo $$ > " + dir + "/pid-0; "
                    + "while [ ! -e " + go + " ]; do sleep 0.05; done; exec head -c " + PER_RANK + " /dev/zero"))
                    .detached("flow-1", 1 << 20);
            String jid;
            try (MpdConsole first = ring.console()) {
                jid = first.launch(request, event -> { });
            }
            String secret = Files.readString(ring.secret()).trim().substring("MPD_SECRETWORD=".length());
            try (Socket silent = new Socket()) {
                Endpoint at = Endpoint.parse(ring.consoleAddress());
                silent.connect(new java.net.InetSocketAddress(at.host(), at.port()));
                InputStream in = silent.getInputStream();
                OutputStream out = silent.getOutputStream();
                StringBuilder challenge = new StringBuilder();
                for (int b = in.read(); b != '\n'; b = in.read()) {
                    challenge.append((char) b);
                }
                out.write((Digest.HMAC_SHA256.answer(challenge.toString(), secret.getBytes(StandardCharsets.UTF_8))
                        + "\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(in.read()).isEqualTo('1');
                String attach = "cmd=attach jid=" + jid;
                out.write((attach.length() + " " + attach).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Never read from here on: the job's output piles up for this console until the job is held.
                Files.writeString(go, "");
                await("the rank blocked writing its output").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> blockedInPipeWrite(dir.resolve("pid-0")));

                List<JobEvent> events = new CopyOnWriteArrayList<>();
                AtomicLong bytes = new AtomicLong();
                try (MpdConsole second = ring.console()) {
                    second.attach(jid, event -> {
                        events.add(event);
                        if (event instanceof JobEvent.Output output) {
                            bytes.addAndGet(output.data().length);
                        }
                    });
                    await("the job's end, told to the second console").atMost(Duration.ofSeconds(60))
                            .until(() -> events.stream().anyMatch(JobEvent.Ended.class::isInstance));
                    JobEvent.Ended end = events.stream().filter(JobEvent.Ended.class::isInstance)
                            .map(JobEvent.Ended.class::cast).findFirst().orElseThrow();
                    assertThat(end.status()).isZero();
                    assertThat(bytes.get()).as("output after the switch reached the second console").isPositive();
                }
            }
        }
    }

    private static boolean blockedInPipeWrite(Path pidFile) throws IOException {
        if (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            return false;
        }
        Path wchan = Path.of("/proc", Files.readString(pidFile).trim(), "wchan");
        return Files.exists(wchan) && Files.readString(wchan).contains("pipe_write");
    }

    private static long count(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
