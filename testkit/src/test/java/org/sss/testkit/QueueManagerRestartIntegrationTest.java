package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
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
 * Nothing acknowledged is lost: the queue manager, forked, is killed with -9 while 8 clients submit as fast as
 * they can and a job is running; restarted, it has every job whose id a client received, and the running job ends
 * normally (its output file complete, its exit status recorded).
 */
class QueueManagerRestartIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String ME = System.getProperty("user.name");

    private static JobSubmit submission(Path work, String name, String script, String... options) {
        JobSubmit request = new JobSubmit();
        ScriptType text = new ScriptType();
        text.setName(name);
        text.setValue(script);
        request.setScript(text);
        request.getOption().addAll(List.of(options));
        request.setUser(ME);
        request.setWorkdir(work.toString());
        return request;
    }

    private static List<JobType> query(SssTestSuite suite, String id) throws SssException {
        JobListType list = new JobListType();
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        list.getJob().add(restriction);
        return suite.client().call(QueueManager.NAME, FACTORY.createJobQuery(list), Jobs.class).getJob();
    }

    private static ForkedComponent fork(SssTestSuite suite, Path dir) {
        ForkedComponent qm = ForkedComponent.start("queue-manager", QueueManagerMain.class, dir.resolve("logs"),
                "--config", suite.configFile().toString());
        await("the queue manager answers").atMost(WAIT).ignoreExceptions().until(() -> query(suite, "*") != null);
        return qm;
    }

    @Test
    void killedWithMinus9UnderLoadItLosesNoAcknowledgedJob(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work);
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2"), 140, "--grace", "1");
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
                     + Scheduling.ELEMENTS + "<queue-manager host=\"127.0.0.1\" port=\"0\"/>"
                     + "<nodes><node name=\"node1\"/></nodes>"));
             ProcessManager pm = ProcessManager.start(suite.config());
             Scheduling scheduling = Scheduling.start(suite.config())) {
            await("registration").atMost(WAIT).until(pm.runtime()::isRegistered);
            ForkedComponent first = fork(suite, dir);
            JobType running = suite.client().call(QueueManager.NAME, submission(work, "long.sh",
                    "echo begin; sleep 8; echo end; exit 5\n"), Jobs.class).getJob().getFirst();
            await("the long job runs").atMost(WAIT).until(() -> query(suite, running.getId()).getFirst().getState().value(),
                    "running"::equals);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean go = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                loops.add(clients.submit(() -> {
                    while (go.get()) {
                        try {
                            acknowledged.add(suite.client().call(QueueManager.NAME, submission(work, "q.sh", "true\n", "-h"),
                                    Jobs.class).getJob().getFirst().getId());
                        } catch (SssException e) {
                            if (!acknowledged.isEmpty() && !go.get()) {
                                return;
                            }
                        }
                    }
                }));
            }
            await("submissions flow").atMost(WAIT).until(() -> acknowledged.size() >= 200);
            first.kill9();
            go.set(false);
            for (Future<?> loop : loops) {
                loop.get();
            }
            clients.shutdown();
            ForkedComponent second = fork(suite, dir);
            try {
                Set<String> found = ConcurrentHashMap.newKeySet();
                query(suite, "*").forEach(job -> found.add(job.getId()));
                System.out.printf("queue manager kill -9: %d jobs acknowledged, %d of them found after the restart%n",
                        acknowledged.size(), acknowledged.stream().filter(found::contains).count());
                assertThat(found).containsAll(acknowledged);
                JobType end = await("the running job ends").atMost(WAIT).until(
                        () -> query(suite, running.getId()).getFirst(), job -> "completed".equals(job.getState().value()));
                assertThat(end.getExitStatus()).isEqualTo(5);
                assertThat(end.getRuns()).as("it ran once").isEqualTo(1);
                assertThat(Files.readString(work.resolve("long.sh.o" + running.getId()))).isEqualTo("begin\nend\n");
            } finally {
                second.stop(Duration.ofSeconds(20));
            }
        }
    }
}
