package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.SssException;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.processmanager.ProcessManager;
import org.sss.queuemanager.QueueManager;
import org.sss.scheduler.Scheduler;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * Issue 8: on a local ring of 4, a wide job waits while a narrow short job backfills around it, a narrow long one
 * does not (it would delay the wide one), and the wide job starts no later than its planned start — checked from the
 * jobs' recorded times. The scheduler starts every job; the queue manager does no first-fit.
 */
class SchedulerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ME = System.getProperty("user.name");
    private static final ObjectFactory FACTORY = new ObjectFactory();

    @TempDir
    Path dir;

    @Test
    void aWideJobWaitsWhileAShortOneBackfillsAndStartsByItsPlannedStart() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (Cluster cluster = new Cluster(190)) {
            ComponentClient admin = as(cluster.suite, TestKeys.ADMIN);

            String running = submit(admin, work, "sleep 4", "-l", "nodes=2", "-l", "walltime=00:00:08");
            await("the first job runs").atMost(WAIT).until(() -> state(admin, running).equals("running"));
            String wide = submit(admin, work, "true", "-l", "nodes=4", "-l", "walltime=00:01:00");
            String shortOne = submit(admin, work, "sleep 1", "-l", "nodes=1", "-l", "walltime=00:00:03");
            String longOne = submit(admin, work, "true", "-l", "nodes=1", "-l", "walltime=00:00:30");
            await("the scheduler says why the wide and long jobs wait").atMost(Duration.ofSeconds(3)).until(() ->
                    String.valueOf(job(admin, wide).getReason()).endsWith("first in line")
                            && String.valueOf(job(admin, longOne).getReason()).endsWith("behind job " + wide));
            assertThat(job(admin, wide).getExpectedStart())
                    .isEqualTo(job(admin, running).getStarted().plus(Duration.ofSeconds(8)));

            await("every job ends").atMost(WAIT).until(() -> {
                for (String id : List.of(running, wide, shortOne, longOne)) {
                    if (!state(admin, id).equals("completed")) {
                        return false;
                    }
                }
                return true;
            });
            JobType first = job(admin, running);
            JobType w = job(admin, wide);
            JobType s = job(admin, shortOne);
            JobType l = job(admin, longOne);
            Instant planned = first.getStarted().plus(Duration.ofSeconds(8));
            assertThat(s.getStarted()).as("the short job backfilled before the wide one").isBefore(w.getStarted());
            assertThat(s.getEnded()).as("and ended before the wide one's planned start").isBeforeOrEqualTo(planned);
            assertThat(l.getStarted()).as("the long job did not jump ahead").isAfterOrEqualTo(w.getStarted());
            assertThat(w.getStarted()).as("the wide job started no later than planned").isBeforeOrEqualTo(planned);
            assertThat(w.getStarted()).as("and not before the first job's nodes were free")
                    .isAfterOrEqualTo(first.getEnded());
            assertThat(List.of(first, w, s, l)).allMatch(job -> job.getExitStatus() == 0);
        }
    }

    @Test
    void aNodeWhoseMpdDiesIsNotUsedUntilItComesBack() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (Cluster cluster = new Cluster(194)) {
            ComponentClient admin = as(cluster.suite, TestKeys.ADMIN);
            cluster.ring.mpds().get(3).kill9();
            await("the node state manager marks node4 down").atMost(Duration.ofSeconds(5))
                    .until(() -> nodeState(cluster.suite, "node4").equals("down"));
            String wide = submit(admin, work, "true", "-l", "nodes=4", "-l", "walltime=00:01:00");
            String narrow = submit(admin, work, "true", "-l", "nodes=3", "-l", "walltime=00:01:00");
            await("the narrow job runs on the three nodes left").atMost(WAIT)
                    .until(() -> state(admin, narrow).equals("completed"));
            assertThat(job(admin, narrow).getAllocated()).doesNotContain("node4");
            assertThat(state(admin, wide)).isEqualTo("queued");
            cluster.ring.joinNamed("node4", 197, "--grace", "1");
            await("the wide job runs once node4 is back").atMost(WAIT)
                    .until(() -> state(admin, wide).equals("completed"));
            assertThat(job(admin, wide).getAllocated()).contains("node4");
        }
    }

    @Test
    void aReleasedOrAlteredJobIsPlannedAtOnceNotAtTheNextPeriodicPass() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work-events"));
        try (Cluster cluster = new Cluster(201, 600)) {
            ComponentClient admin = as(cluster.suite, TestKeys.ADMIN);
            String held = submit(admin, work, "true", "-h");
            assertThat(state(admin, held)).isEqualTo("held");
            admin.call(QueueManager.NAME, new ObjectFactory().createJobRelease(JobLists.byId(held)), Jobs.class);
            await("the released job runs long before the 600 s pass").atMost(WAIT)
                    .until(() -> state(admin, held).equals("completed"));
        }
    }

    /** A ring of node1..node4 and the suite with every component that scheduling needs, all registered. */
    private final class Cluster implements AutoCloseable {
        final LocalRing ring;
        final SssTestSuite suite;
        private final ProcessManager pm;
        private final NodeStateManager nsm;
        private final QueueManager qm;
        private final Scheduler scheduler;

        Cluster(int firstHost) throws Exception {
            this(firstHost, 1);
        }

        Cluster(int firstHost, int interval) throws Exception {
            ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3", "node4"), firstHost,
                    "--grace", "1");
            suite = SssTestSuite.start(config(ring, interval));
            pm = ProcessManager.start(suite.config());
            nsm = NodeStateManager.start(suite.config());
            qm = QueueManager.start(suite.config());
            scheduler = Scheduler.start(suite.config());
            await("registrations").atMost(WAIT).until(() -> pm.runtime().isRegistered() && nsm.runtime().isRegistered()
                    && scheduler.runtime().isRegistered());
        }

        @Override
        public void close() {
            scheduler.close();
            qm.close();
            nsm.close();
            pm.close();
            suite.close();
            ring.close();
        }
    }

    private TestConfig config(LocalRing ring, int interval) {
        return TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"
                + "<node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.2\"/>"
                + "<queue-manager host=\"127.0.0.1\" port=\"0\"><queue name=\"batch\" default=\"true\"/></queue-manager>"
                + "<scheduler host=\"127.0.0.1\" port=\"0\" interval=\"" + interval + "\"/>"
                + "<nodes><node name=\"node1\" slots=\"2\"/><node name=\"node2\" slots=\"2\"/>"
                + "<node name=\"node3\" slots=\"2\"/><node name=\"node4\" slots=\"2\"/></nodes>");
    }

    private static String nodeState(SssTestSuite suite, String node) throws SssException {
        org.sss.schema.GetNodeState query = new org.sss.schema.GetNodeState();
        org.sss.schema.GetNodeState.Node restriction = new org.sss.schema.GetNodeState.Node();
        restriction.setName(node);
        query.getNode().add(restriction);
        return as(suite, TestKeys.ALICE).call(NodeStateManager.NAME, query, org.sss.schema.NodeStates.class)
                .getNodeState().getFirst().getState().value();
    }

    private static ComponentClient as(SssTestSuite suite, String key) {
        SssClient wire = suite.clientAs(key);
        return new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint()));
    }

    private static String submit(ComponentClient client, Path work, String command, String... options)
            throws SssException {
        JobSubmit request = new JobSubmit();
        ScriptType script = new ScriptType();
        script.setName("job.sh");
        script.setValue("#!/bin/sh\n" + command + "\n");
        request.setScript(script);
        request.getOption().addAll(List.of(options));
        request.setUser(ME);
        request.setWorkdir(work.toString());
        return client.call(QueueManager.NAME, request, Jobs.class).getJob().getFirst().getId();
    }

    private static JobType job(ComponentClient client, String id) throws SssException {
        JobListType list = new JobListType();
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        list.getJob().add(restriction);
        return client.call(QueueManager.NAME, FACTORY.createJobQuery(list), Jobs.class).getJob().getFirst();
    }

    private static String state(ComponentClient client, String id) throws SssException {
        return job(client, id).getState().value();
    }
}
