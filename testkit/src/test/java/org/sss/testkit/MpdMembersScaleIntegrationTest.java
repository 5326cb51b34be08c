package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.Mpd;
import org.sss.mpd.MpdMembers;
import org.sss.mpd.MpdSecret;
import org.sss.mpd.MpdSettings;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.JobRequest.ProcessSet;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.internal.Member;

/**
 * Issue 24's ring at a size CI can afford: 128 members in this JVM ({@link MpdMembers}, each a whole mpd on its own
 * address from 127.11.0.1), booted whole, then 10 members spread round the ring crashed at once (as hosts crash):
 * the ring is whole again without them, every member agrees on the same 118, and a job that had ranks on crashed
 * members is told (it ends with status 255 naming a lost host).
 */
class MpdMembersScaleIntegrationTest {
    private static final int MEMBERS = 128;
    private static final int CRASHED = 10;

    @TempDir
    Path dir;

    @Test
    void aRingOf128BootsWholeAndIsWholeAgainAfterTenMembersCrashAtOnce() throws Exception {
        MpdSettings template = MemberRings.template(dir, "scale", "127.11.0.1");
        long started = System.nanoTime();
        try (MpdMembers ring = MpdMembers.start(template, MEMBERS)) {
            await("a whole ring of " + MEMBERS).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(ring::whole);
            long bootMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(ring.running()).hasSize(MEMBERS);
            assertThat(ring.running().getFirst().membership().members()).hasSize(MEMBERS);

            List<String> victims = ring.spread(CRASHED);
            Mpd root = ring.running().getFirst();
            List<String> jobHosts = List.of(root.self().host(), victims.get(0), victims.get(CRASHED / 2));
            List<JobEvent> events = new CopyOnWriteArrayList<>();
            try (MpdConsole console = MpdConsole.connect(root.self().endpoint(), MpdSecret.load(template.secretFile()))) {
                console.launch(JobRequest.of(ProcessSet.of(jobHosts.size(), "sleep", "60")).placedOn(jobHosts)
                        .withGrace(Duration.ofSeconds(1)), events::add);
                await("the job's ranks started on " + jobHosts).atMost(Duration.ofSeconds(20))
                        .until(() -> events.stream().anyMatch(e -> e instanceof JobEvent.Launched));

                long crashed = System.nanoTime();
                assertThat(ring.crash(victims)).containsExactlyElementsOf(victims);
                await("the ring whole again without " + victims).atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(50)).until(ring::whole);
                long repairMillis = (System.nanoTime() - crashed) / 1_000_000;

                Set<String> left = new HashSet<>();
                for (Mpd mpd : ring.running()) {
                    List<String> ids = mpd.membership().members().stream().map(Member::id).toList();
                    assertThat(ids).as("%s's ring", mpd.self().id()).hasSize(MEMBERS - CRASHED).doesNotContainAnyElementsOf(victims);
                    left.addAll(ids);
                }
                assertThat(left).hasSize(MEMBERS - CRASHED);

                await("the job told its hosts were lost").atMost(Duration.ofSeconds(20))
                        .until(() -> events.stream().anyMatch(e -> e instanceof JobEvent.Ended));
                JobEvent.Ended end = (JobEvent.Ended) events.stream().filter(e -> e instanceof JobEvent.Ended).findFirst().orElseThrow();
                assertThat(end.status()).isEqualTo(255);
                assertThat(end.reason()).containsAnyOf(victims.get(0), victims.get(CRASHED / 2));
                System.out.printf("ring of %d: whole %d ms after the start; %d crashed, whole again after %d ms%n",
                        MEMBERS, bootMillis, CRASHED, repairMillis);
            }
        }
    }
}
