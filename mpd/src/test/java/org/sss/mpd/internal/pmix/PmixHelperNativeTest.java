package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Drives the sss-pmix helper built with the module (skipped where libpmix-dev was missing, as the build then makes
 * none): it comes up, registers a job and hands back each local rank's variables, refuses a registration it cannot
 * make with a reason, and ends when its input closes.
 */
class PmixHelperNativeTest {
    private static final Path HELPER = Path.of("target", "native", "sss-pmix");

    /** Records the library's reports. */
    private static final class Recorder implements PmixHelper.Upcalls {
        final List<String> lost = new CopyOnWriteArrayList<>();

        @Override
        public void connected(String nspace, long rank) {
        }

        @Override
        public void finalized(long id, String nspace, long rank) {
        }

        @Override
        public void aborted(long id, String nspace, long rank, int status, String why) {
        }

        @Override
        public void fence(long id, String nspace, byte[] data) {
        }

        @Override
        public void directModex(long id, String nspace, long rank) {
        }

        @Override
        public void modexData(long id, String status, byte[] data) {
        }

        @Override
        public void names(PmixNameRequest request) {
        }

        @Override
        public void query(long id, String user, byte[] body) {
        }

        @Override
        public void tool(String status, long uid, long pid) {
        }

        @Override
        public void spawn(long id, String nspace, long rank, byte[] apps) {
        }

        @Override
        public void connect(long id, boolean connect, byte[] procs) {
        }

        @Override
        public void lost(String why) {
            lost.add(why);
        }
    }

    @Test
    void registersAJobAndGivesEachLocalRankItsVariables() throws Exception {
        assumeThat(Files.isExecutable(HELPER)).as("sss-pmix was built (libpmix-dev is installed)").isTrue();
        Recorder recorder = new Recorder();
        PmixHelper helper = PmixHelper.start(HELPER, "nodeq", "native", recorder);
        try {
            PmixHelper.Ready ready = helper.awaitReady(Duration.ofSeconds(20));
            assertThat(ready.version()).contains("PMIx");
            assertThat(Path.of(ready.shmDir())).isDirectory();
            PmixHelper.Registration registration = helper.register(PmixRegistration.of("sss.1@nodeq", "1@nodeq", 4, false,
                    List.of("nodeq", "other", "nodeq"), List.of(3), "nodeq", Map.of()), Duration.ofSeconds(20));
            assertThat(registration.problem()).isNull();
            assertThat(registration.env()).containsOnlyKeys(0, 2);
            assertThat(registration.env().get(2)).contains("PMIX_NAMESPACE=sss.1@nodeq", "PMIX_RANK=2", "PMIX_HOSTNAME=nodeq")
                    .anyMatch(v -> v.startsWith("PMIX_SERVER_URI41="));
            PmixHelper.Registration unknownUser = helper.register(PmixRegistration.of("sss.2@nodeq", "2@nodeq", 1, false,
                    List.of("nodeq"), List.of(1), "nodeq", Map.of(0, "no-such-user-here")), Duration.ofSeconds(20));
            assertThat(unknownUser.problem()).contains("unknown user");
            PmixHelper.Registration notHere = helper.register(new PmixRegistration("sss.3@nodeq", "3@nodeq", 2, 2, false,
                    List.of("nodeq", "other"), List.of(List.of(0), List.of(1)), List.of(2), 0, Map.of(1, ""), ""),
                    Duration.ofSeconds(20));
            assertThat(notHere.problem()).as("a local rank placed on another node").contains("bad local rank");
            helper.deregister("sss.1@nodeq");
        } finally {
            helper.close();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.lost.isEmpty());
        assertThat(helper.deadReason()).contains("exited with status 0");
    }

    /** A loss is handed to the library ({@code notified ok}); an unknown event or a bad rank list is refused. */
    @Test
    void notifiesAJobsRanksOfLostProcessesAndRefusesWhatItCannotName() throws Exception {
        assumeThat(Files.isExecutable(HELPER)).as("sss-pmix was built (libpmix-dev is installed)").isTrue();
        Recorder recorder = new Recorder();
        PmixHelper helper = PmixHelper.start(HELPER, "noden", "native", recorder);
        try {
            helper.awaitReady(Duration.ofSeconds(20));
            PmixHelper.Registration registration = helper.register(PmixRegistration.of("sss.1@noden", "1@noden", 4, false,
                    List.of("noden", "other", "noden", "other"), List.of(4), "noden", Map.of()), Duration.ofSeconds(20));
            assertThat(registration.problem()).isNull();
            assertThat(helper.notify("sss.1@noden", "proc-aborted", List.of(1), null, "rank 1 was killed")
                    .get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(helper.notify("sss.1@noden", "node-down", List.of(1, 3), "other", "host other was lost")
                    .get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(helper.notify("sss.1@noden", "no-such-event", List.of(1), null, null)
                    .get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("error");
            assertThat(helper.notify("sss.1@noden", "proc-aborted", List.of(), null, null)
                    .get(20, java.util.concurrent.TimeUnit.SECONDS)).as("no ranks").isEqualTo("error");
            assertThat(helper.deadReason()).isNull();
        } finally {
            helper.close();
        }
    }
}
