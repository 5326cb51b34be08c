package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
