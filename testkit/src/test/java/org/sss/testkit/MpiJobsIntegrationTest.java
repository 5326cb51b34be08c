package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 5: unmodified MPICH programs (built with Debian's mpicc) on a ring of 3 mpds, through our PMI-1 server. */
class MpiJobsIntegrationTest {
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.start(dir, 3, 100, "--grace", "2");
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    private static String program(String name) {
        return MpiPrograms.path(name);
    }

    @ParameterizedTest(name = "hello -n {0}")
    @ValueSource(ints = {1, 2, 8, 24})
    void helloPrintsEveryRank(int n) {
        LocalRing.Result result = ring.mpiexec("-n", Integer.toString(n), program("hello"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.lines()).hasSize(n);
        Set<Integer> ranks = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        Pattern line = Pattern.compile("hello from rank (\\d+) of " + n + " on \\S+ mpd=(\\S+)");
        for (String text : result.lines()) {
            Matcher m = line.matcher(text);
            assertThat(m.matches()).as(text).isTrue();
            ranks.add(Integer.parseInt(m.group(1)));
            hosts.add(m.group(2));
        }
        assertThat(ranks).hasSize(n);
        if (n >= 3) {
            assertThat(hosts).as("ranks on all three hosts").containsExactlyInAnyOrder("127.0.0.100", "127.0.0.101", "127.0.0.102");
        }
    }

    @Test
    void cpiComputesPiToOneInATrillion() {
        LocalRing.Result result = ring.mpiexec("-n", "8", program("cpi"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        Matcher m = Pattern.compile("pi is approximately (\\S+), error (\\S+)").matcher(result.stdout());
        assertThat(m.find()).as(result.stdout()).isTrue();
        assertThat(Math.abs(Double.parseDouble(m.group(1)) - Math.PI)).isLessThan(1e-12);
    }

    @Test
    void allreduceChecksItsSum() {
        LocalRing.Result result = ring.mpiexec("-n", "16", program("allreduce"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.lines()).containsExactly("allreduce ok 136");
    }

    @Test
    void theRingPassesItsToken() {
        LocalRing.Result result = ring.mpiexec("-n", "12", program("ring"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.lines()).containsExactly("ring ok 12");
    }

    @Test
    void mpiAbortEndsTheJobWithItsCodeWithinFiveSeconds() {
        long start = System.nanoTime();
        LocalRing.Result result = ring.mpiexec("-n", "4", program("abort"), "1", "7");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.exit()).isEqualTo(7);
        assertThat(result.stderr()).contains("rank 1").contains("MPI_Abort").contains("7");
        assertThat(result.stdout()).doesNotContain("passed the barrier");
    }

    @Test
    void aRankKilledInsideAFenceEndsTheJobWithinFiveSecondsAndLeavesNoProcess() throws Exception {
        Process mpiexec = ring.startMpiexec("-l", "-n", "6", "sh", "-c", "echo $$; exec " + program("fence") + " 100000000");
        BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
        java.util.Map<Integer, Integer> byRank = new java.util.TreeMap<>();
        while (byRank.size() < 6) {
            String line = out.readLine();
            assertThat(line).isNotNull();
            int colon = line.indexOf(':');
            byRank.put(Integer.parseInt(line.substring(0, colon)), Integer.parseInt(line.substring(colon + 1).trim()));
        }
        List<Integer> pids = new ArrayList<>(byRank.values());
        await().atMost(Duration.ofSeconds(20)).until(() -> ranksInFences(pids));
        long start = System.nanoTime();
        ProcessHandle.of(byRank.get(3)).orElseThrow().destroyForcibly();
        assertThat(mpiexec.waitFor(5, TimeUnit.SECONDS)).as("the job ended within 5 s").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(mpiexec.exitValue()).isEqualTo(128 + 9);
        assertThat(LocalRing.drain(mpiexec.getErrorStream()).get(10, TimeUnit.SECONDS)).contains("rank 3")
                .contains("signal KILL");
        await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().allMatch(MpdRingIntegrationTest::gone));
    }

    /** @return whether every rank runs the fence program (it has exec'd and talks PMI) */
    private static boolean ranksInFences(List<Integer> pids) throws IOException {
        for (int pid : pids) {
            Path exe = Path.of("/proc", Integer.toString(pid), "exe");
            if (!java.nio.file.Files.exists(exe) || !java.nio.file.Files.readSymbolicLink(exe).toString().endsWith("fence")) {
                return false;
            }
        }
        return true;
    }

    @Test
    void spawnStartsChildrenWithTheirOwnSpaceHoldingTheParentsKey() {
        LocalRing.Result result = ring.mpiexec("-n", "2", program("pmi_spawn"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        Matcher parent = Pattern.compile("parent spawned rc=0 kvs=(\\S+)").matcher(result.stdout());
        assertThat(parent.find()).as(result.stdout()).isTrue();
        List<String> children = result.lines().stream().filter(l -> l.startsWith("child")).toList();
        assertThat(children).hasSize(2);
        for (String child : children) {
            assertThat(child).matches("child [01] of 2 kvs=(\\S+) spawned=1 read greeting=hello-from-parent");
            assertThat(child).doesNotContain("kvs=" + parent.group(1) + " ");
        }
    }

    /** A job's kill reaches the jobs it spawned: they do not run on, and the job ends rather than waiting for them. */
    @Test
    void killingAJobKillsTheJobsItSpawnedAndItEnds() throws Exception {
        Process mpiexec = ring.startMpiexec("-n", "2", program("pmi_spawn"), "hang");
        mpiexec.getOutputStream().close();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(mpiexec.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        List<Long> pids = new java.util.ArrayList<>();
        Pattern hangs = Pattern.compile("(child|parent) \\d+ hangs pid (\\d+)");
        String line;
        while (pids.size() < 4 && (line = out.readLine()) != null) {
            Matcher m = hangs.matcher(line);
            if (m.matches()) {
                pids.add(Long.parseLong(m.group(2)));
            }
        }
        assertThat(pids).as("two parents and two children hanging").hasSize(4);
        mpiexec.destroy(); // SIGTERM: mpiexec has its job killed, as on Ctrl-C
        assertThat(mpiexec.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the job ends").isTrue();
        org.awaitility.Awaitility.await("every rank of the job and of the jobs it spawned gone")
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void mpichsOwnSpawnFailsInsideItsDeviceUnderHydraAndUnderUsAlike() throws Exception {
        LocalRing.Result ours = ring.mpiexec("-n", "1", program("spawn"));
        Process hydra = new ProcessBuilder("mpiexec.hydra", "-launcher", "fork", "-n", "1", program("spawn")).start();
        String hydraOut = LocalRing.drain(hydra.getInputStream()).get(60, TimeUnit.SECONDS);
        assertThat(hydra.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ours.stdout()).startsWith("spawn failed:");
        assertThat(hydraOut).startsWith("spawn failed:");
        assertThat(ours.exit()).isEqualTo(hydra.exitValue()).isEqualTo(3);
    }

    @Test
    void aSingletonThatNeedsAProcessManagerIsServedWhereHydraHangs() throws Exception {
        ProcessBuilder ours = new ProcessBuilder(program("usize")).redirectErrorStream(true);
        ours.environment().putAll(ring.environment());
        ours.environment().put("PATH", LocalRing.mpiexecBinary().getParent() + ":" + System.getenv("PATH"));
        Process singleton = ours.start();
        String output = LocalRing.drain(singleton.getInputStream()).get(30, TimeUnit.SECONDS);
        assertThat(singleton.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(singleton.exitValue()).as(output).isZero();
        assertThat(output).contains("rank 0 of 1: MPI_UNIVERSE_SIZE flag=1");

        Path hydraBin = java.nio.file.Files.createDirectories(dir.resolve("hydra-bin"));
        java.nio.file.Files.deleteIfExists(hydraBin.resolve("mpiexec"));
        java.nio.file.Files.createSymbolicLink(hydraBin.resolve("mpiexec"), Path.of("/usr/bin/mpiexec.hydra"));
        ProcessBuilder hydra = new ProcessBuilder(program("usize")).redirectErrorStream(true);
        hydra.environment().put("PATH", hydraBin + ":" + System.getenv("PATH"));
        Process hanging = hydra.start();
        assertThat(hanging.waitFor(5, TimeUnit.SECONDS)).as("under Hydra 4.0.2 the program waits forever").isFalse();
        hanging.destroyForcibly().waitFor();
    }
}
