package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sss.mpd.client.UnixSignals;

/** Rank 0's input: what its pipe took is reported, and a console that sends far beyond the window is cut off. */
class StdinWriterTest {
    @Test
    void theTotalTakenIsReportedAndInputFarAheadOfTheRankIsCutRatherThanHeld() throws Exception {
        Posix.Spawned sleeper = Posix.spawn("/bin/sleep", List.of("sleep", "60"), List.of(), "/");
        try {
            AtomicLong taken = new AtomicLong();
            StdinWriter writer = new StdinWriter("1@test", sleeper.stdin(), taken::set);
            writer.write(new byte[4096]);
            await("the first chunk taken by the pipe").atMost(Duration.ofSeconds(5)).until(() -> taken.get() == 4096);
            byte[] chunk = new byte[65536];
            for (long sent = 0; sent <= StdinWriter.MAX_QUEUED + chunk.length && !writer.isClosed(); sent += chunk.length) {
                writer.write(chunk);
            }
            assertThat(writer.isClosed()).as("cut once more than %d bytes wait for a rank that reads nothing",
                    StdinWriter.MAX_QUEUED).isTrue();
            assertThat(taken.get()).as("no more than a pipe's worth taken").isLessThanOrEqualTo(1L << 20);
        } finally {
            Posix.kill(sleeper.pid(), UnixSignals.KILL);
            await().atMost(Duration.ofSeconds(5)).until(() -> Posix.reap(sleeper.pid()) != -1);
            Posix.close(sleeper.stdout());
            Posix.close(sleeper.stderr());
        }
    }
}
