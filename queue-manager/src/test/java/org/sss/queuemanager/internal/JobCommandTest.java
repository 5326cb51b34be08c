package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a job's script is run: by its -S shell, as the program its #! line names, or by /bin/sh.
 */
class JobCommandTest {
    private static final JobSpool.JobFiles FILES = new JobSpool.JobFiles(Path.of("/var/spool/sss/7"),
            Path.of("/var/spool/sss/7/script"), Path.of("/var/spool/sss/7/nodefile"));

    private static Job job(String script, Map<String, String> environment) {
        Job.JobSpec spec = new Job.JobSpec("alice", "job", "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh", script,
                "/tmp/job.o7", "/tmp/job.e7", "", "", "", "", environment, JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job("7", 7, null, spec, Job.State.RUNNING, Job.Hold.NONE, Instant.now(), Instant.now(), null, List.of("node1"),
                null, null, "", 0, JobUsage.NONE);
    }

    @Test
    void aScriptWithAnInterpreterLineIsExecutedItself() {
        assertThat(JobRunner.commandOf(job("#!/bin/bash\necho hi\n", Map.of()), FILES))
                .containsExactly("/var/spool/sss/7/script");
    }

    @Test
    void aScriptWithoutOneIsRunByTheShellAsAShellWouldRunIt() {
        assertThat(JobRunner.commandOf(job("#PBS -N job\necho hi\n", Map.of()), FILES))
                .containsExactly("/bin/sh", "/var/spool/sss/7/script");
        assertThat(JobRunner.commandOf(job(" #!/bin/bash\n", Map.of()), FILES)).as("#! only counts at the very start")
                .containsExactly("/bin/sh", "/var/spool/sss/7/script");
    }

    @Test
    void theShellOfMinusSRunsTheScriptWhateverItsFirstLine() {
        assertThat(JobRunner.commandOf(job("#!/bin/sh\necho hi\n", Map.of(JobRunner.SHELL_VARIABLE, "/bin/bash")), FILES))
                .containsExactly("/bin/bash", "/var/spool/sss/7/script");
    }
}
