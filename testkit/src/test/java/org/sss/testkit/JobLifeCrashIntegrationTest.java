package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.processmanager.ProcessManagerMain;
import org.sss.queuemanager.QueueManager;
import org.sss.queuemanager.QueueManagerMain;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * The job's life across kill -9 at the two places its facts are in flight: the queue manager killed while its job
 * runs, the job ending while it is down (it learns the end from the process manager's durable
 * {@code process-group-end} event, its subscription resuming from its cursor, or by asking once at its start); and
 * the process manager killed while the job runs, the job ending while it is down (it re-attaches to the job at the
 * mpd, which replays the end). Either way the job completes once, with its exit status, and runs once.
 */
class JobLifeCrashIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String ME = System.getProperty("user.name");

    /** A job that says it began, waits for the test's go, says it ended and exits 7. */
    private static JobSubmit gated(Path work) {
        JobSubmit request = new JobSubmit();
        ScriptType text = new ScriptType();
        text.setName("gated.sh");
        text.setValue("echo begin >>" + work.resolve("runs") + "\nwhile [ ! -e " + work.resolve("go")
                + " ]; do sleep 0.05; done\necho end\necho >" + work.resolve("ended") + "\nexit 7\n");
        request.setScript(text);
        request.setUser(ME);
        request.setWorkdir(work.toString());
        return request;
    }

    private static List<JobType> jobs(SssTestSuite suite, String id) throws SssException {
        JobListType list = new JobListType();
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        list.getJob().add(restriction);
        return suite.client().call(QueueManager.NAME, FACTORY.createJobQuery(list), Jobs.class).getJob();
    }

    private static JobType job(SssTestSuite suite, String id) throws SssException {
        return jobs(suite, id).getFirst();
    }

    private static String config(LocalRing ring) {
        return ring.configElement() + "<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
                + Scheduling.ELEMENTS + "<queue-manager host=\"127.0.0.1\" port=\"0\"/><nodes><node name=\"node1\"/></nodes>";
    }

    private static ForkedComponent forkQueueManager(SssTestSuite suite, Path dir) {
        ForkedComponent qm = ForkedComponent.start("queue-manager", QueueManagerMain.class, dir.resolve("logs"),
                "--config", suite.configFile().toString());
        await("the queue manager answers").atMost(WAIT).ignoreExceptions().until(() -> jobs(suite, "*") != null);
        return qm;
    }

    private static ForkedComponent forkProcessManager(SssTestSuite suite, Path dir) {
        return ForkedComponent.start("process-manager", ProcessManagerMain.class, dir.resolve("logs"),
                "--config", suite.configFile().toString());
    }

    /** @return true once the job said it ended and no process of it is left */
    private static boolean ended(Path work) {
        return Files.exists(work.resolve("ended")) && ProcessHandle.allProcesses().noneMatch(process -> process.info()
                .arguments().map(args -> String.join(" ", args).contains(work.toString())).orElse(false));
    }

    /** Submits the gated job and waits until it has begun. */
    private static String startGated(SssTestSuite suite, Path work) throws SssException {
        String id = suite.client().call(QueueManager.NAME, gated(work), Jobs.class).getJob().getFirst().getId();
        await("the job begins").atMost(WAIT).until(() -> Files.exists(work.resolve("runs")));
        await("the queue manager has it running").atMost(WAIT).until(() -> job(suite, id).getState().value(),
                "running"::equals);
        return id;
    }

    private static void assertCompletedOnce(SssTestSuite suite, Path work, String id) throws Exception {
        JobType end = await("the job completes").atMost(WAIT).until(() -> job(suite, id),
                job -> "completed".equals(job.getState().value()));
        assertThat(end.getExitStatus()).isEqualTo(7);
        assertThat(end.getRuns()).as("started once").isEqualTo(1);
        assertThat(Files.readString(work.resolve("runs"))).as("ran once").isEqualTo("begin\n");
        assertThat(Files.readString(work.resolve("gated.sh.o" + id))).isEqualTo("end\n");
    }

    @Test
    void theQueueManagerKilledWhileItsJobRunsLearnsTheEndThatCameMeanwhile(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1"), 150, "--grace", "1");
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(config(ring)));
             ProcessManager pm = ProcessManager.start(suite.config());
             Scheduling scheduling = Scheduling.start(suite.config())) {
            await("registration").atMost(WAIT).until(pm.runtime()::isRegistered);
            String id;
            try (ForkedComponent first = forkQueueManager(suite, dir)) {
                id = startGated(suite, work);
                first.kill9();
            }
            Files.writeString(work.resolve("go"), "");
            await("the job ends while the queue manager is down").atMost(WAIT).until(() -> ended(work));
            assertThat(new ProcessManagerClient(suite.client()).waitFor("job-" + id + "-1", WAIT).getExitStatus())
                    .as("the process manager recorded the end (the job's group is job-ID-RUN)").isEqualTo(7);
            try (ForkedComponent second = forkQueueManager(suite, dir)) {
                assertCompletedOnce(suite, work, id);
            }
        }
    }

    @Test
    void theProcessManagerKilledWhileAJobRunsFollowsItAgainAndReportsItsEnd(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1"), 155, "--grace", "1");
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(config(ring)));
             Scheduling scheduling = Scheduling.start(suite.config())) {
            try (ForkedComponent first = forkProcessManager(suite, dir);
                 ForkedComponent qm = forkQueueManager(suite, dir)) {
                String id = startGated(suite, work);
                first.kill9();
                Files.writeString(work.resolve("go"), "");
                await("the job ends while the process manager is down").atMost(WAIT).until(() -> ended(work));
                assertThat(job(suite, id).getState().value()).as("nobody has told the queue manager yet")
                        .isEqualTo("running");
                try (ForkedComponent second = forkProcessManager(suite, dir)) {
                    assertCompletedOnce(suite, work, id);
                }
            }
        }
    }
}
