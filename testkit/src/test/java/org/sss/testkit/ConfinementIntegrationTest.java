package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
import org.sss.queuemanager.QueueManager;
import org.sss.schema.JobEnvType;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * Jobs held to what they were given (docs/CONFINEMENT.md), through the queue manager, the process manager and a
 * ring of three root mpds (node1..node3 on 127.0.0.150-152) that confine jobs in control groups: a job's mpiexec
 * cannot reach a node it was not given, and says so before any rank starts, while another user's job on that node
 * runs on; a job past its memory limit is killed with the memory reason; nothing a job leaves behind (setsid)
 * survives it; {@code cput} is the job's total CPU time on all its processes; and the CPU time the job's accounting
 * gets is what its own processes report. Needs root and control groups (skipped otherwise).
 */
class ConfinementIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String ME = System.getProperty("user.name");
    private static final String OTHER = "nobody";
    private static LocalRing ring;
    private static SssTestSuite suite;
    private static ProcessManager pm;
    private static QueueManager qm;
    private static Scheduling scheduling;
    private static Path work;
    private static Path otherWork;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(ME), "confining jobs needs root mpds");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) || Files.exists(
                Path.of("/sys/fs/cgroup/cgroup.controllers")), "confining jobs needs control groups");
        ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 150, "--grace", "1");
        suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with(
                "<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
                + Scheduling.ELEMENTS + "<queue-manager host=\"127.0.0.1\" port=\"0\">"
                + "<queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/></queue-manager>"
                + "<nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/>"
                + "<node name=\"node3\" slots=\"2\"/></nodes>"));
        pm = ProcessManager.start(suite.config());
        qm = QueueManager.start(suite.config());
        scheduling = Scheduling.start(suite.config());
        await("registrations").atMost(WAIT).until(() -> pm.runtime().isRegistered());
        work = dir.resolve("work");
        otherWork = dir.resolve("other");
        Files.createDirectories(work);
        Files.createDirectories(otherWork);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(otherWork, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable closeable : new AutoCloseable[] {scheduling, qm, pm, suite, ring}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        removeLeftGroups();
    }

    @Test
    void mpiexecInAJobIsHeldToItsNodesAndAnotherUsersJobThereRunsOn() throws Exception {
        JobType hold = submit(ME, work, "hold.sh", "sleep 300\n", "-l", "nodes=2:ppn=2").getFirst();
        await("node1 and node2 taken").atMost(WAIT).until(() -> "running".equals(query(hold.getId()).getState().value()));
        JobType other = submit(OTHER, otherWork, "other.sh", "echo $$ > other.pid\nexec sleep 120\n", "-l", "nodes=1")
                .getFirst();
        Path otherPid = otherWork.resolve("other.pid");
        await("the other user's job on node3").atMost(WAIT).until(() -> Files.exists(otherPid)
                && !Files.readString(otherPid).isBlank());
        assertThat(query(other.getId()).getAllocated()).isEqualTo("node3");
        long otherProcess = Long.parseLong(Files.readString(otherPid).trim());
        cancel(hold.getId());
        completed(hold.getId());

        JobType mine = submit(ME, work, "reach.sh", """
                mpiexec -n 2 -hosts node1,node3 sh -c 'echo "$MPD_HOST" >> ranks.txt'
                echo "refused with $?"
                mpiexec -n 2 sh -c 'echo "ran on $MPD_HOST"'
                """, "-l", "nodes=1", "-j", "oe").getFirst();
        JobType end = completed(mine.getId());
        assertThat(end.getAllocated()).isEqualTo("node1");
        String output = Files.readString(work.resolve("reach.sh.o" + mine.getId()));
        assertThat(work.resolve("ranks.txt")).as("no rank started anywhere").doesNotExist();
        assertThat(output).contains("mpiexec: job-" + mine.getId() + "-1 was given node1 only: node3 is outside its"
                        + " allocation; no rank was started\n").containsPattern("refused with [1-9]")
                .contains("ran on node1\nran on node1\n").doesNotContain("ran on node2").doesNotContain("ran on node3");
        assertThat(alive(otherProcess)).as("the other user's job on node3 runs on").isTrue();
        assertThat(query(other.getId()).getState().value()).isEqualTo("running");
        cancel(other.getId());
        completed(other.getId());
        await("the other job's process ends").atMost(WAIT).until(() -> !alive(otherProcess));
    }

    @Test
    void aJobPastItsMemoryLimitIsKilledWithTheReason() throws Exception {
        JobType job = submit(ME, work, "hog.sh", """
                python3 -c '
                import time
                block = bytearray(300 * 1024 * 1024)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                print("allocated 300 MB")
                '
                echo "python ended with $?"
                sleep 60
                """, "-l", "mem=100mb", "-j", "oe").getFirst();
        JobType end = completed(job.getId());
        System.out.printf("measured: memory job peak %d bytes, reason %s%n", end.getMaxMemory(), end.getReason());
        assertThat(end.getReason()).isEqualTo("memory limit 100 MB exceeded");
        assertThat(end.getExitStatus()).isNotZero();
        assertThat(Files.readString(work.resolve("hog.sh.o" + job.getId()))).doesNotContain("allocated 300 MB");
        assertThat(end.getMaxMemory()).isPositive().isLessThanOrEqualTo(100L * 1024 * 1024);
        assertThat(groupsLeft().stream().filter(base -> Files.exists(base.resolve("job-" + job.getId() + "-1"))))
                .as("its control groups are removed").isEmpty();
    }

    @Test
    void nothingAJobLeavesBehindOutlivesIt() throws Exception {
        JobType job = submit(ME, work, "leave.sh", """
                setsid sleep 600 &
                echo $! > leftover.pid
                cat /proc/$!/cgroup > leftover.cgroup
                mpiexec -n 1 -hosts node2 sh -c 'setsid sleep 600 & echo $! > leftover2.pid; cat /proc/$!/cgroup > leftover2.cgroup'
                """, "-l", "nodes=2").getFirst();
        JobType end = completed(job.getId());
        assertThat(end.getExitStatus()).isZero();
        String group = "/sss/node%d_127.0.0.%d_[0-9]+/job-" + job.getId() + "-1\n";
        assertThat(Files.readString(work.resolve("leftover.cgroup"))).as("the script's setsid child is in the job's group")
                .containsPattern(":memory:.*" + group.formatted(1, 150)).containsPattern(":freezer:.*" + group.formatted(1, 150));
        assertThat(Files.readString(work.resolve("leftover2.cgroup"))).as("its mpiexec's, on node2, in the job's group there")
                .containsPattern(":memory:.*" + group.formatted(2, 151));
        long first = Long.parseLong(Files.readString(work.resolve("leftover.pid")).trim());
        long second = Long.parseLong(Files.readString(work.resolve("leftover2.pid")).trim());
        assertThat(alive(first)).as("the setsid sleep on the job's first node").isFalse();
        assertThat(alive(second)).as("the setsid sleep its mpiexec left on node2").isFalse();
        assertThat(groupsLeft().stream().filter(base -> Files.exists(base.resolve("job-" + job.getId() + "-1"))))
                .as("its control groups are removed on both nodes").isEmpty();
    }

    @Test
    void aCputLimitIsTheJobsTotalCpuTimeOnAllItsProcesses() throws Exception {
        long started = System.nanoTime();
        JobType job = submit(ME, work, "spin.sh", """
                sh -c 'while :; do :; done' &
                sh -c 'while :; do :; done' &
                wait
                """, "-l", "cput=00:00:05,nodes=1:ppn=2").getFirst();
        JobType end = completed(job.getId());
        System.out.printf("measured: cput job used %s s of CPU in %d ms%n", end.getCpuTime(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(end.getReason()).isEqualTo("cput limit 00:00:05 exceeded");
        assertThat(end.getCpuTime()).isBetween(new BigDecimal("5"), new BigDecimal("6.5"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void theCpuTimeAccountedIsWhatTheJobsProcessesReport() throws Exception {
        JobType job = submit(ME, work, "burn.sh", """
                burn='import os, time
                t = time.process_time()
                while time.process_time() - t < 1.5:
                    pass
                own = os.times()
                print("rank-cpu %.3f" % (own.user + own.system))'
                python3 -c "$burn" > /dev/null &
                python3 -c "$burn" > /dev/null &
                wait
                mpiexec -n 2 -hosts node1,node2 python3 -c "$burn"
                times > times.txt
                """, "-l", "nodes=2", "-j", "oe").getFirst();
        JobType end = completed(job.getId());
        assertThat(end.getExitStatus()).isZero();
        BigDecimal script = seconds(Files.readString(work.resolve("times.txt")));
        Matcher ranks = Pattern.compile("rank-cpu ([0-9.]+)").matcher(Files.readString(work.resolve("burn.sh.o" + job.getId())));
        BigDecimal expected = script;
        int count = 0;
        while (ranks.find()) {
            expected = expected.add(new BigDecimal(ranks.group(1)));
            count++;
        }
        assertThat(count).as("both mpiexec ranks reported").isEqualTo(2);
        System.out.printf("measured: the job's processes report %s s, its control groups %s s, peak %d bytes%n", expected,
                end.getCpuTime(), end.getMaxMemory());
        assertThat(end.getCpuTime()).as("the script's times (%s s) and its mpiexec's ranks' own", script)
                .isBetween(expected.multiply(new BigDecimal("0.9")), expected.multiply(new BigDecimal("1.1")));
        assertThat(end.getMaxMemory()).isPositive();
    }

    // ---------------------------------------------------------------- helpers

    private static ComponentClient as(String key) {
        SssClient wire = suite.clientAs(key);
        return new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint()));
    }

    private static List<JobType> submit(String user, Path dir, String scriptName, String script, String... options)
            throws SssException {
        JobSubmit request = new JobSubmit();
        ScriptType text = new ScriptType();
        text.setName(scriptName);
        text.setValue(script);
        request.setScript(text);
        request.getOption().addAll(List.of(options));
        request.setUser(user);
        request.setWorkdir(dir.toString());
        request.setHost("login1");
        String path = LocalRing.mpiexecBinary().getParent() + ":/usr/bin:/bin";
        for (Map.Entry<String, String> variable : Map.of("HOME", "/tmp", "PATH", path).entrySet()) {
            JobEnvType env = new JobEnvType();
            env.setName(variable.getKey());
            env.setValue(variable.getValue());
            request.getEnv().add(env);
        }
        return as(TestKeys.SUITE).call(QueueManager.NAME, request, Jobs.class).getJob();
    }

    private static JobType query(String id) throws SssException {
        return as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobQuery(JobLists.byId(id)), Jobs.class)
                .getJob().getFirst();
    }

    private static void cancel(String id) throws SssException {
        as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobCancel(JobLists.byId(id)), Jobs.class);
    }

    private static JobType completed(String id) {
        return await("job " + id + " completes").atMost(WAIT).until(() -> query(id),
                job -> "completed".equals(job.getState().value()));
    }

    /** @return whether a process runs with this pid (a zombie does not count) */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    /** @return the jobs' control groups this test's mpds made that are still there */
    static List<Path> groupsLeft() throws IOException {
        List<Path> left = new java.util.ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        if (!Files.isDirectory(root)) {
            return left;
        }
        try (Stream<Path> walk = Files.find(root, 8, (path, attributes) -> attributes.isDirectory()
                && path.getFileName() != null && path.getFileName().toString().matches("node[123]_127\\.0\\.0\\.15[0-2]_[0-9]+"))) {
            walk.forEach(left::add);
        }
        return left;
    }

    private static void removeLeftGroups() throws IOException {
        for (Path base : groupsLeft()) {
            try (Stream<Path> jobs = Files.list(base)) {
                jobs.filter(Files::isDirectory).forEach(job -> job.toFile().delete());
            }
            base.toFile().delete();
            base.getParent().toFile().delete();
        }
    }

    static BigDecimal seconds(String times) {
        Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s").matcher(times);
        BigDecimal total = BigDecimal.ZERO;
        while (m.find()) {
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(60))).add(new BigDecimal(m.group(2)));
        }
        return total;
    }
}
