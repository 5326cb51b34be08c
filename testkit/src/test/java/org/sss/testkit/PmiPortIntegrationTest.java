package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rank's {@code PMI_ID} speaks for it only from a connection its own user (or root) made: another user's process
 * that holds the id (here handed to it by the rank itself) is refused as a wrong id is, and the mpd's log says why;
 * the same id from the rank's user binds. Run as root, with the other user {@code nobody} through {@code runuser}.
 */
class PmiPortIntegrationTest {
    /** Connects to the rank's PMI port as the user the command runs as, names the rank, prints the first reply line. */
    private static final String CLAIM = "exec 3<>/dev/tcp/${PMI_PORT%:*}/${PMI_PORT#*:}; "
            + "printf 'cmd=initack pmiid=%s\\n' \"$PMI_ID\" >&3; head -n 1 <&3";

    @TempDir
    Path dir;

    @Test
    void aRanksIdInAnotherUsersProcessIsRefusedAndInItsOwnUsersIsNot() throws Exception {
        assumeThat(System.getProperty("user.name")).as("the test runs as root, to run the other user's process").isEqualTo("root");
        assumeThat(Path.of("/usr/sbin/runuser")).isExecutable();
        try (LocalRing ring = LocalRing.start(dir, 1, 248)) {
            LocalRing.Result other = ring.mpiexec("-n", "1", "bash", "-c",
                    "/usr/sbin/runuser -u nobody -- bash -c \"" + CLAIM.replace("\"", "\\\"").replace("$", "\\$") + "\"");
            assertThat(other.stdout()).as(other.stderr()).startsWith("cmd=error rc=-1 msg=no_rank_with_pmiid_");
            String log = Files.readString(dir.resolve("logs").resolve("mpd-127.0.0.248.log"));
            assertThat(log).containsPattern("PMI connection from \\S+ named job \\S+ rank 0, which runs as uid 0, but was made by uid "
                    + "\\d+; refused");

            LocalRing.Result own = ring.mpiexec("-n", "1", "bash", "-c", CLAIM);
            assertThat(own.stdout()).as(own.stderr()).isEqualTo("cmd=initack\n");
        }
    }
}
