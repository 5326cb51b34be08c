package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's spool: its script and node file are never readable by others, not even while they are being written (a
 * file written with the umask and narrowed afterwards can be opened, and kept open, in between).
 */
class JobSpoolTest {
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    @TempDir
    Path dir;

    @Test
    void theScriptIsNeverReadableByOthersWhileItIsWritten() throws Exception {
        JobSpool spool = new JobSpool(dir.resolve("spool"));
        String user = System.getProperty("user.name");
        Job.JobSpec spec = new Job.JobSpec(user, "job", "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh",
                "#!/bin/sh\n" + "# secret\n".repeat(800_000), "/tmp/job.o7", "/tmp/job.e7", "", "", "", "", Map.of(),
                JobLimits.NONE, null, null, null, null, null, true, null);
        Job job = new Job("7", 7, null, spec, Job.State.RUNNING, Job.Hold.NONE, Instant.now(), Instant.now(), null,
                List.of("node1"), null, null, "", 0, JobUsage.NONE);
        Path script = dir.resolve("spool/7/script");
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                try {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(script);
                    if (permissions.stream().anyMatch(OTHERS::contains)) {
                        seen.add(PosixFilePermissions.toString(permissions));
                    }
                } catch (java.io.IOException notYet) {
                    // not there yet
                }
            }
        });
        try {
            for (int round = 0; round < 5; round++) {
                spool.prepare(job);
            }
        } finally {
            writing.set(false);
            watcher.join();
        }
        assertThat(seen).as("the script's permissions while it was written").isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("spool/7/nodefile"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("spool/7"))))
                .isEqualTo("rwx--x--x");
    }
}
