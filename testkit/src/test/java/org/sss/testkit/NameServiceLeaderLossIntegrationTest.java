package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.client.RingMember;

/**
 * Issue 21 item 5: the name service lives with the ring's leader; when the leader dies a lookup waiting there is
 * answered "unreachable" rather than left hanging, and the next leader serves names from then on.
 */
class NameServiceLeaderLossIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    Path dir;

    @Test
    void aLookupWaitingAtALostLeaderFailsAndTheNextLeaderServes() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 4, 220, "--grace", "2")) {
            RingMember second = ring.trace().get(1);
            ring.useConsole(second.endpoint().toString());
            ForkedComponent nextLeader = ring.mpds().get(ring.hosts().indexOf(second.id()));
            Process lookup = ring.startMpiexec("-hosts", "127.0.0.222", "-n", "1", MpiPrograms.path("pmix_names"), "lookup",
                    "never-published", "0");
            try {
                await("the leader holds the lookup").atMost(WAIT)
                        .until(() -> ring.mpds().getFirst().output().contains("waits for [never-published]"));
                ring.mpds().getFirst().kill9();
                assertThat(lookup.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the lookup ends").isTrue();
                String out = new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(out).isEqualTo("waiting never-published\nlookup never-published failed: UNREACHABLE\n");
            } finally {
                lookup.destroyForcibly();
            }
            assertThat(ring.awaitSize(3, WAIT)).extracting(RingMember::id).doesNotContain("127.0.0.220")
                    .first().isEqualTo(second.id());

            String names = MpiPrograms.path("names");
            Process publisher = ring.startMpiexec("-hosts", "127.0.0.223", "-n", "1", names, "publish", "after-loss", "p2");
            try {
                await("the publish reaches the new leader").atMost(WAIT)
                        .until(() -> nextLeader.output().contains("published [after-loss]"));
                assertThat(ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", names, "lookup", "after-loss").lines())
                        .containsExactly("found after-loss p2");
            } finally {
                publisher.destroyForcibly();
            }
        }
    }
}
