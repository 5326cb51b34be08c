package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
import org.sss.queuemanager.QueueManager;
import org.sss.lib.runtime.Subscriptions;
import org.sss.schema.Events;
import org.sss.schema.GetEvents;
import org.sss.schema.JobEnvType;
import org.sss.schema.JobModify;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * The queue manager, with a first-fit scheduler and a node state manager to start its jobs, the process manager and
 * a ring of three mpds (node1..node3
 * on 127.0.0.124-126, two slots each): real PBS scripts (nodes and ppn, walltime, -j oe, -v, arrays, afterok
 * chains), their output files, PBS_NODEFILE and exit codes; bad input refused before anything is stored; who may
 * act on whose jobs.
 */
class QueueManagerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String ME = System.getProperty("user.name");
    private static LocalRing ring;
    private static SssTestSuite suite;
    private static ProcessManager pm;
    private static QueueManager qm;
    private static Scheduling scheduling;
    private static Path work;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 124, "--grace", "1");
        suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
                + Scheduling.ELEMENTS + "<queue-manager host=\"127.0.0.1\" port=\"0\">"
                + "<queue name=\"batch\" default=\"true\" max-walltime=\"3600\"/>"
                + "<queue name=\"short\" max-walltime=\"60\" max-nodes=\"1\"/></queue-manager>"
                + "<nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/><node name=\"node3\" slots=\"2\"/></nodes>"));
        pm = ProcessManager.start(suite.config());
        qm = QueueManager.start(suite.config());
        scheduling = Scheduling.start(suite.config());
        await("registrations").atMost(WAIT).until(() -> pm.runtime().isRegistered());
        work = dir.resolve("work");
        Files.createDirectories(work);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {scheduling, qm, pm, suite, ring}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static ComponentClient as(String key) {
        SssClient wire = suite.clientAs(key);
        return new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint()));
    }

    private static List<JobType> submit(String key, String user, String scriptName, String script, String... options)
            throws SssException {
        JobSubmit request = new JobSubmit();
        ScriptType text = new ScriptType();
        text.setName(scriptName);
        text.setValue(script);
        request.setScript(text);
        request.getOption().addAll(List.of(options));
        request.setUser(user);
        request.setWorkdir(work.toString());
        request.setHost("login1");
        for (Map.Entry<String, String> variable : Map.of("HOME", "/home/tester", "PATH", "/usr/bin:/bin").entrySet()) {
            JobEnvType env = new JobEnvType();
            env.setName(variable.getKey());
            env.setValue(variable.getValue());
            request.getEnv().add(env);
        }
        return as(key).call(QueueManager.NAME, request, Jobs.class).getJob();
    }

    private static List<JobType> query(String key, String id) throws SssException {
        return as(key).call(QueueManager.NAME, FACTORY.createJobQuery(JobLists.byId(id)), Jobs.class).getJob();
    }

    private static JobType completed(String id) {
        return await("job " + id + " completes").atMost(WAIT).until(() -> query(TestKeys.SUITE, id).getFirst(),
                job -> "completed".equals(job.getState().value()));
    }

    private static SssException failure(Call call) {
        try {
            call.run();
        } catch (SssException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    private interface Call {
        void run() throws SssException;
    }

    @Test
    void aScriptRunsOnItsNodesWithThePbsEnvironmentAndItsExitCode() throws Exception {
        String script = """
                #!/bin/sh
                #PBS -N hello
                #PBS -l nodes=2:ppn=2
                #PBS -l walltime=00:05:00
                #PBS -j oe
                #PBS -v GREETING=hi
                echo "job $PBS_JOBID named $PBS_JOBNAME in $PBS_QUEUE from $PBS_O_HOST np $PBS_NP greeting $GREETING"
                echo "workdir $PBS_O_WORKDIR pwd $(pwd)"
                cat "$PBS_NODEFILE"
                echo "to stderr" >&2
                exit 3
                """;
        JobType job = submit(TestKeys.SUITE, ME, "hello.sh", script).getFirst();
        assertThat(job.getName()).isEqualTo("hello");
        assertThat(job.getNodes()).isEqualTo(2);
        assertThat(job.getPpn()).isEqualTo(2);
        assertThat(job.getWalltime()).isEqualTo(300);
        JobType end = completed(job.getId());
        assertThat(end.getExitStatus()).isEqualTo(3);
        assertThat(end.getAllocated()).isEqualTo("node1 node2");
        Path output = work.resolve("hello.o" + job.getId());
        assertThat(end.getOutputPath()).isEqualTo(output.toString());
        assertThat(Files.readString(output)).isEqualTo("job " + job.getId() + " named hello in batch from login1 np 4 greeting hi\n"
                + "workdir " + work + " pwd " + work + "\nnode1\nnode1\nnode2\nnode2\nto stderr\n");
        assertThat(Files.exists(work.resolve("hello.e" + job.getId()))).as("joined: no error file").isFalse();
    }

    @Test
    void outputAndErrorGoToSeparateFilesByDefault() throws Exception {
        JobType job = submit(TestKeys.SUITE, ME, "split.sh", "echo out\necho err >&2\n").getFirst();
        JobType end = completed(job.getId());
        assertThat(end.getExitStatus()).isZero();
        assertThat(Files.readString(work.resolve("split.sh.o" + job.getId()))).isEqualTo("out\n");
        assertThat(Files.readString(work.resolve("split.sh.e" + job.getId()))).isEqualTo("err\n");
    }

    @Test
    void aJobPastItsWalltimeIsKilledAndSaysSo() throws SssException {
        JobType job = submit(TestKeys.SUITE, ME, "long.sh", "sleep 60\n", "-l", "walltime=2").getFirst();
        JobType end = completed(job.getId());
        assertThat(end.getReason()).isEqualTo("walltime 00:00:02 exceeded");
        assertThat(end.getExitStatus()).isEqualTo(143);
    }

    @Test
    void afterokChainsRunInOrderAndAFailedDependencyRemovesTheJob() throws Exception {
        JobType first = submit(TestKeys.SUITE, ME, "a.sh", "sleep 1; echo a >> chain.txt\n").getFirst();
        JobType second = submit(TestKeys.SUITE, ME, "b.sh", "echo b >> chain.txt\n", "-W", "depend=afterok:" + first.getId())
                .getFirst();
        JobType failing = submit(TestKeys.SUITE, ME, "f.sh", "exit 1\n").getFirst();
        JobType never = submit(TestKeys.SUITE, ME, "n.sh", "echo never >> chain.txt\n", "-W",
                "depend=afterok:" + failing.getId()).getFirst();
        JobType any = submit(TestKeys.SUITE, ME, "y.sh", "exit 0\n", "-W", "depend=afterany:" + failing.getId()).getFirst();
        assertThat(completed(second.getId()).getExitStatus()).isZero();
        assertThat(Files.readString(work.resolve("chain.txt"))).isEqualTo("a\nb\n");
        JobType removed = completed(never.getId());
        assertThat(removed.getExitStatus()).isNull();
        assertThat(removed.getReason()).contains("can never be met", "job " + failing.getId() + " exited 1");
        assertThat(completed(any.getId()).getExitStatus()).isZero();
    }

    @Test
    void anArrayRunsOneJobPerIndex() throws Exception {
        List<JobType> elements = submit(TestKeys.SUITE, ME, "arr.sh", "echo index $PBS_ARRAYID\n", "-t", "1-3", "-N", "arr");
        assertThat(elements).extracting(JobType::getArrayIndex).containsExactly(1, 2, 3);
        String sequence = elements.getFirst().getId().substring(0, elements.getFirst().getId().indexOf('['));
        assertThat(elements).extracting(JobType::getId).containsExactly(sequence + "[1]", sequence + "[2]", sequence + "[3]");
        for (JobType element : elements) {
            completed(element.getId());
            assertThat(Files.readString(work.resolve("arr.o" + sequence + "-" + element.getArrayIndex())))
                    .isEqualTo("index " + element.getArrayIndex() + "\n");
        }
        assertThat(query(TestKeys.SUITE, sequence + "[]")).hasSize(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-l walltime=10:61:00 | walltime",
        "-l nodes=0 | nodes",
        "-q nosuch | -q nosuch: unknown queue",
        "-Z x | -Z",
        "-W depend=afterok:999999 | -W depend=afterok:999999: no job 999999",
        "-q short -l walltime=2:00 | queue short allows at most 00:01:00",
        "-q short -l nodes=2 | queue short allows at most 1 node(s)",
        "-l nodes=4 | the cluster has 3 node(s)",
    })
    void badInputIsRefusedWithOneLineAndNothingIsStored(String options, String message) throws SssException {
        int before = query(TestKeys.SUITE, "*").size();
        SssException refused = failure(() -> submit(TestKeys.SUITE, ME, "bad.sh", "true\n", options.split(" ")));
        assertThat(refused.code()).isIn(ErrorCode.BAD_VALUE);
        assertThat(refused.getMessage()).contains(message).doesNotContain("\n");
        assertThat(query(TestKeys.SUITE, "*")).hasSize(before);
    }

    @Test
    void aBadDirectiveIsNamedWithItsLine() throws SssException {
        int before = query(TestKeys.SUITE, "*").size();
        SssException refused = failure(() -> submit(TestKeys.SUITE, ME, "job.sh", "#!/bin/sh\n#PBS -N ok\n#PBS -l walltime=10:61:00\ntrue\n"));
        assertThat(refused.code()).isEqualTo(ErrorCode.BAD_VALUE);
        assertThat(refused.getMessage()).endsWith(": job.sh:3: #PBS -l walltime=10:61:00: minutes and seconds must be below 60");
        assertThat(query(TestKeys.SUITE, "*")).hasSize(before);
    }

    @Test
    void usersActOnlyOnTheirOwnJobs() throws SssException {
        JobType job = submit(TestKeys.ALICE, null, "held.sh", "true\n", "-h").getFirst();
        assertThat(job.getUser()).isEqualTo("alice");
        assertThat(job.getState().value()).isEqualTo("held");
        assertThat(failure(() -> as(TestKeys.BOB).call(QueueManager.NAME, FACTORY.createJobCancel(JobLists.byId(job.getId())), Jobs.class))
                .code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(failure(() -> submit(TestKeys.BOB, "alice", "x.sh", "true\n")).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(query(TestKeys.BOB, "*")).extracting(JobType::getId).doesNotContain(job.getId());
        assertThat(failure(() -> query(TestKeys.BOB, job.getId())).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        List<JobType> cancelled = as(TestKeys.ADMIN).call(QueueManager.NAME, FACTORY.createJobCancel(JobLists.byId(job.getId())), Jobs.class)
                .getJob();
        assertThat(cancelled.getFirst().getState().value()).isEqualTo("completed");
        assertThat(cancelled.getFirst().getReason()).isEqualTo("cancelled by admin");
    }

    @Test
    void aRunningJobIsCancelled() throws SssException {
        JobType job = submit(TestKeys.SUITE, ME, "sleepy.sh", "sleep 60\n").getFirst();
        await("it runs").atMost(WAIT).until(() -> query(TestKeys.SUITE, job.getId()).getFirst().getState().value(), "running"::equals);
        as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobCancel(JobLists.byId(job.getId())), Jobs.class);
        JobType end = completed(job.getId());
        assertThat(end.getReason()).startsWith("cancelled by");
        assertThat(end.getExitStatus()).isEqualTo(143);
    }

    @Test
    void everyChangeOfAJobIsAnEventInOrder() throws SssException {
        long since = as(TestKeys.SUITE).call("event-manager", replay(0), Events.class).getNext();
        JobType first = submit(TestKeys.SUITE, ME, "first.sh", "#!/bin/sh\ntrue\n", "-h").getFirst();
        JobType job = submit(TestKeys.SUITE, ME, "evented.sh", "#!/bin/sh\ntrue\n", "-W",
                "depend=afterok:" + first.getId()).getFirst();
        as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobHold(JobLists.byId(job.getId())), Jobs.class);
        JobModify alter = new JobModify();
        alter.getJob().addAll(JobLists.byId(job.getId()).getJob());
        alter.getOption().addAll(List.of("-N", "renamed"));
        as(TestKeys.SUITE).call(QueueManager.NAME, alter, Jobs.class);
        as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobRelease(JobLists.byId(job.getId())), Jobs.class);
        as(TestKeys.SUITE).call(QueueManager.NAME, FACTORY.createJobRelease(JobLists.byId(first.getId())), Jobs.class);
        assertThat(completed(job.getId()).getExitStatus()).isZero();
        await("the job's events").atMost(WAIT).untilAsserted(() -> assertThat(
                as(TestKeys.SUITE).call("event-manager", replay(since), Events.class).getEvent()).filteredOn(
                        e -> e.getJob() != null && e.getJob().getId().equals(job.getId()))
                .extracting(e -> e.getMsg() + " " + e.getJob().getState().value() + " " + e.getJob().getName()
                        + (e.getJob().getExitStatus() == null ? "" : " " + e.getJob().getExitStatus()))
                .containsExactly("job-submitted queued evented.sh", "job-held held evented.sh", "job-modified held renamed",
                        "job-released queued renamed", "job-finished completed renamed 0"));
    }

    private static GetEvents replay(long since) {
        GetEvents request = new GetEvents();
        request.setSince(since);
        request.setLimit(1000);
        request.getFilter().add(Subscriptions.filter(QueueManager.NAME, "job-*", null));
        return request;
    }
}
