package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rank started through the {@code sss-exec} helper as another user: the job's environment must not reach the
 * helper while it is still root (the dynamic loader of a root process would obey the job's {@code LD_PRELOAD}), and
 * must reach the program whole, with the user's HOME, USER and LOGNAME.
 */
class RankLauncherTest {
    private static final Path HELPER = Path.of("target", "native", "sss-exec");

    @TempDir
    Path dir;

    @Test
    void theHelperIsStartedWithNoVariableOfTheJobUnderItsOwnName() {
        List<String> sealed = RankLauncher.sealedForHelper(List.of("LD_PRELOAD=/tmp/x.so", "PATH=/bin", "A=b=c"));
        assertThat(sealed).containsExactly("SSS_EXEC_ENV_0=LD_PRELOAD=/tmp/x.so", "SSS_EXEC_ENV_1=PATH=/bin",
                "SSS_EXEC_ENV_2=A=b=c");
    }

    @Test
    void aCoProcessJoinsTheJobsControlGroupsAsItsRanksDo() {
        RankLauncher launcher = new RankLauncher(Optional.of(Path.of("/opt/sss/lib/native/sss-exec")), "root", true);
        JobSpec.RankSet set = new JobSpec.RankSet(1, "a.out", List.of(), List.of(), "", List.of(), "/bin/tool-server",
                "/", "", "");
        JobSpec spec = new JobSpec("", "root", "/", "label", List.of("PATH=/usr/bin:/bin"), List.of(set),
                new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000, List.of(), "",
                null);
        JobCgroups.Entered confined = new JobCgroups.Entered(
                List.of("/sys/fs/cgroup/memory/sss/node1/job-7/cgroup.procs"), List.of(), null);
        RankLauncher.Launchable co = launcher.coProcess(spec, set, confined);
        assertThat(co.problem()).isNull();
        assertThat(co.argv()).containsSubsequence("--cgroup", "/sys/fs/cgroup/memory/sss/node1/job-7/cgroup.procs",
                "--", "/bin/tool-server");
    }

    @Test
    void theLoaderOfTheHelperNeverActsOnTheJobsVariablesWhileItIsRoot() throws Exception {
        assumeThat(Posix.uid()).as("changing users needs root").isZero();
        assumeThat(Files.isExecutable(HELPER)).as("the helper is built with the module").isTrue();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path env = dir.resolve("env");
        RankLauncher launcher = new RankLauncher(Optional.of(HELPER.toAbsolutePath()), "root", true);
        JobSpec.RankSet set = new JobSpec.RankSet(1, "/bin/sh", List.of("-c", "env > " + env), List.of(), "nobody",
                List.of(), "", dir.toString(), "", "");
        JobSpec spec = new JobSpec("", "nobody", dir.toString(), "label",
                List.of("PATH=/usr/bin:/bin", "LD_DEBUG=libs", "LD_DEBUG_OUTPUT=" + dir.resolve("ld"), "X=y=z"),
                List.of(set), new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000,
                List.of(), "", null);
        RankLauncher.Launchable launchable = launcher.ranks(spec, set);
        assertThat(launchable.problem()).isNull();
        assertThat(launchable.viaHelper()).isTrue();
        Posix.Spawned spawned = launcher.spawn(launchable, List.of());
        await("the rank's exit").atMost(Duration.ofSeconds(10)).until(() -> Posix.reap(spawned.pid()) != -1);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> rootsDebug = files.filter(file -> file.getFileName().toString().startsWith("ld."))
                    .filter(RankLauncherTest::ownedByRoot).toList();
            assertThat(rootsDebug).as("the loader's debug output of a process run as root").isEmpty();
        }
        assertThat(Files.readAllLines(env)).contains("X=y=z", "LD_DEBUG=libs", "USER=nobody", "LOGNAME=nobody")
                .noneMatch(line -> line.startsWith("SSS_EXEC_ENV_"));
    }

    @Test
    void anOwnersLimitsMayLowerTheHostsButNeverRaiseAHardLimit() throws Exception {
        assumeThat(Posix.uid()).as("changing users needs root").isZero();
        assumeThat(Files.isExecutable(HELPER)).as("the helper is built with the module").isTrue();
        Process probe = new ProcessBuilder("sh", "-c", "ulimit -Hl").start();
        String hostsMemlock = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        assumeThat(hostsMemlock).as("this host's hard memlock limit is finite").isNotEqualTo("unlimited");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path limits = dir.resolve("limits");
        RankLauncher launcher = new RankLauncher(Optional.of(HELPER.toAbsolutePath()), "root", true);
        JobSpec.RankSet set = new JobSpec.RankSet(1, "/bin/sh", List.of("-c", "{ ulimit -Hl; ulimit -Hn; } > " + limits),
                List.of(), "nobody", List.of("memlock=unlimited", "nofile=100"), "", dir.toString(), "", "");
        JobSpec spec = new JobSpec("", "nobody", dir.toString(), "label", List.of("PATH=/usr/bin:/bin"),
                List.of(set), new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000,
                List.of(), "", null);
        Posix.Spawned spawned = launcher.spawn(launcher.ranks(spec, set), List.of());
        await("the rank's exit").atMost(Duration.ofSeconds(10)).until(() -> Posix.reap(spawned.pid()) != -1);
        assertThat(Files.readAllLines(limits)).as("memlock stays the host's (the helper is root, but the owner asked)")
                .containsExactly(hostsMemlock, "100");
    }

    private static boolean ownedByRoot(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:uid") == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
