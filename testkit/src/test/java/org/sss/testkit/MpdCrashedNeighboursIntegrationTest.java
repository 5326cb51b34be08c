package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.Mpd;
import org.sss.mpd.MpdMembers;
import org.sss.mpd.MpdSettings;
import org.sss.mpd.internal.Member;

/**
 * Members crashing while their neighbours re-knit the ring onto them: a ring of 31 in this JVM ({@link MpdMembers},
 * from 127.71.0.1) loses every third member at once, so that a member whose right neighbour crashed often re-knits
 * to the next one just as that one crashes too (its connection still in the handshake). A crashed member must never
 * keep such a link alive and answer pings over it: each round the ring is whole again, all 21 survivors agreeing,
 * well within its deadline. The race is timing-dependent, so the scenario runs several rounds, each with a fresh ring.
 */
class MpdCrashedNeighboursIntegrationTest {
    private static final int MEMBERS = 31;
    private static final int CRASHED = 10;
    private static final int ROUNDS = 8;

    @TempDir
    Path dir;

    @Test
    void theRingIsWholeAgainEachTimeEveryThirdMemberCrashesAtOnce() throws Exception {
        MpdSettings template = MemberRings.template(dir, "cn", "127.71.0.1");
        for (int round = 1; round <= ROUNDS; round++) {
            try (MpdMembers ring = MpdMembers.start(template, MEMBERS)) {
                await("round " + round + ": a whole ring of " + MEMBERS).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).until(ring::whole);
                List<String> victims = ring.spread(CRASHED);
                assertThat(ring.crash(victims)).containsExactlyElementsOf(victims);
                await("round " + round + ": the ring whole again without " + victims).atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(50)).until(ring::whole);
                for (Mpd mpd : ring.running()) {
                    assertThat(mpd.membership().members()).extracting(Member::id).as("round %d: %s's ring", round, mpd.self().id())
                            .hasSize(MEMBERS - CRASHED).doesNotContainAnyElementsOf(victims);
                }
            }
        }
    }
}
