package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.MpdRequestException;

/**
 * Issue 7: a job-scoped console key (MPD_JOB_KEY, what lets mpiexec run inside a batch script without the ring's
 * secret) launches jobs as the rank's user only, and nothing else: no ring commands, no other job, no other user.
 */
class JobConsoleIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void aNestedMpiexecRunsOnTheRingWithTheJobsKey() {
        try (LocalRing ring = LocalRing.start(dir, 2, 186)) {
            String inner = LocalRing.mpiexecBinary() + " -n 2 sh -c 'echo inner $PMI_RANK of $PMI_SIZE'";
            LocalRing.Result outer = ring.mpiexec("-n", "1", "env", "-u", "MPD_CONF_FILE", "sh", "-c", inner);
            assertThat(outer.exit()).as(outer.stderr()).isZero();
            assertThat(outer.lines()).containsExactlyInAnyOrder("inner 0 of 2", "inner 1 of 2");
        }
    }

    @Test
    void aJobKeyMayNotDriveTheRingTouchOtherJobsOrChangeUser() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 188)) {
            Process holder = ring.startMpiexec("-n", "1", "sh", "-c", "echo $MPD_JOB_KEY $MPD_CONSOLE $MPD_JID; sleep 60");
            Process other = ring.startMpiexec("-n", "1", "sh", "-c", "echo $MPD_JID; sleep 60");
            try {
                String[] fields = firstLine(holder).split(" ");
                String key = fields[0];
                String[] address = fields[1].split(":");
                Endpoint mpd = new Endpoint(address[0], Integer.parseInt(address[1]));
                SharedKey jobKey = new SharedKey("job", key.getBytes(StandardCharsets.US_ASCII),
                        new Principal("job", Role.COMPONENT, null));

                try (MpdConsole console = MpdConsole.connect(mpd, jobKey)) {
                    assertThatThrownBy(console::trace).isInstanceOf(IOException.class);
                }
                assertThat(ring.awaitSize(2, Duration.ofSeconds(5))).hasSize(2);

                String otherJid = firstLine(other);
                try (MpdConsole console = MpdConsole.connect(mpd, jobKey)) {
                    assertThatThrownBy(() -> console.kill(otherJid, 9)).isInstanceOf(MpdRequestException.class)
                            .hasMessageContaining("no job");
                }
                assertThat(other.isAlive()).isTrue();

                try (MpdConsole console = MpdConsole.connect(mpd, jobKey)) {
                    JobRequest asNobody = JobRequest.of(new JobRequest.ProcessSet(1, "true", List.of(), List.of(), "nobody",
                            List.of(), "", ""));
                    assertThatThrownBy(() -> console.launch(asNobody, event -> { }))
                            .isInstanceOf(MpdRequestException.class).hasMessageContaining("may start ranks as");
                }

                SharedKey forged = new SharedKey("job", "0".repeat(64).getBytes(StandardCharsets.US_ASCII),
                        new Principal("job", Role.COMPONENT, null));
                assertThatThrownBy(() -> MpdConsole.connect(mpd, forged).trace()).isInstanceOf(IOException.class);
            } finally {
                holder.destroyForcibly();
                other.destroyForcibly();
            }
        }
    }

    private static String firstLine(Process process) throws IOException {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
}
