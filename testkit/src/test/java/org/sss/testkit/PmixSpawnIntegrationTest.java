package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.client.RingMember;

/**
 * Issue 21, spawn and connect: a C PMIx client run as a 2-rank job on a ring of 4 mpds calls {@code PMIx_Spawn} for
 * 4 children, which start in a new namespace on the ring's hosts and find their parent in {@code PMIX_PARENT_ID};
 * parents and children then {@code PMIx_Connect} across the two namespaces, read each other's values
 * ({@code PMIx_Put}/{@code Commit}/{@code Get}) and {@code PMIx_Disconnect}, and every process exits 0. A connect to
 * a job rooted on another mpd, which no mpd can coordinate, is refused rather than left waiting.
 */
class PmixSpawnIntegrationTest {
    private static final Pattern CHILD = Pattern.compile("child (\\S+) rank (\\d) of 4 parent (\\S+):0 on (\\S+)");
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.startNamed(dir, List.of("n240", "n241", "n242", "n243"), 240, "--grace", "2");
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    @Test
    void twoRanksSpawnFourChildrenThatConnectExchangeValuesAndDisconnect() throws Exception {
        LocalRing.Result result = ring.mpiexec("-n", "2", MpiPrograms.openMpi("pmix_spawn"), "4");

        assertThat(result.exit()).as(result.stdout() + result.stderr()).isZero();
        Matcher spawned = Pattern.compile("(?m)^parent 0 spawned (\\S+)$").matcher(result.stdout());
        assertThat(spawned.find()).as(result.stdout()).isTrue();
        String child = spawned.group(1);
        Set<Integer> ranks = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        String parent = null;
        for (String line : result.lines()) {
            Matcher m = CHILD.matcher(line);
            if (m.matches()) {
                assertThat(m.group(1)).isEqualTo(child);
                ranks.add(Integer.parseInt(m.group(2)));
                parent = m.group(3);
                hosts.add(m.group(4));
            }
        }
        assertThat(ranks).as(result.stdout()).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(parent).startsWith("sss.").isNotEqualTo(child);
        assertThat(hosts).as("the children are spread over the ring").hasSizeGreaterThan(1)
                .isSubsetOf("n240", "n241", "n242", "n243");
        List<String> exchanged = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            exchanged.add("parent " + rank + " got child-" + rank + " from " + child + ":" + rank);
        }
        for (int rank = 0; rank < 4; rank++) {
            exchanged.add("child " + rank + " got parent-0 from " + parent + ":0");
        }
        assertThat(result.lines()).as(result.stdout()).containsAll(exchanged).noneMatch(l -> l.startsWith("FAILED"));
        String log = Files.readString(dir.resolve("logs").resolve("mpd-n240.log"));
        assertThat(log).contains("pmix: connect " + parent + " *," + child + " * complete")
                .contains("pmix: disconnect " + parent + " *," + child + " * complete");
    }

    @Test
    void aConnectToAJobRootedOnAnotherMpdIsRefusedRatherThanLeftWaiting() throws Exception {
        RingMember n243 = ring.awaitSize(4, Duration.ofSeconds(30)).stream().filter(m -> m.id().equals("n243"))
                .findFirst().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(LocalRing.mpiexecBinary().toString(), "-hosts", "n243", "-n", "1",
                "sleep", "60").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("elsewhere.out").toFile());
        builder.environment().putAll(ring.environment());
        builder.environment().put("MPD_CONSOLE", n243.endpoint().host() + ":" + n243.endpoint().port());
        Process elsewhere = builder.start();
        try {
            Path log = dir.resolve("logs").resolve("mpd-n243.log");
            Pattern launched = Pattern.compile("mpd n243: job (\\S+) of 1 ranks");
            String jid = Awaitility.await("the job rooted on n243").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Matcher m = launched.matcher(Files.exists(log) ? Files.readString(log) : "");
                        return m.find() ? m.group(1) : null;
                    }, java.util.Objects::nonNull);

            LocalRing.Result result = ring.mpiexec("-hosts", "n240", "-n", "1", MpiPrograms.openMpi("pmix_spawn"),
                    "connect", "sss." + jid);

            assertThat(result.exit()).as(result.stdout() + result.stderr()).isEqualTo(1);
            assertThat(result.lines()).contains("FAILED PMIx_Connect: NOT-SUPPORTED");
            String coordinators = Files.readString(dir.resolve("logs").resolve("mpd-n240.log")) + Files.readString(log);
            assertThat(coordinators).containsPattern("pmix: connect .* refused: .* is not a job rooted on n24[03]");
        } finally {
            elsewhere.destroy();
            elsewhere.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
