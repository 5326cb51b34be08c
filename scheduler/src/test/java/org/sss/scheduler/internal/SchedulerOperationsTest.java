package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.runtime.Subscriptions;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.scheduler.SchedulerSettings;
import org.sss.scheduler.SchedulingPolicy;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.GetNodeState;
import org.sss.schema.JobAnnotate;
import org.sss.schema.JobListType;
import org.sss.schema.JobStart;
import org.sss.schema.JobState;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;
import org.sss.schema.QueueQuery;
import org.sss.schema.QosType;
import org.sss.schema.QueueType;
import org.sss.schema.Queues;

/**
 * The scheduler's operations, message in and message out, without sockets: its dispatcher wired as
 * {@link org.sss.scheduler.Scheduler} wires it (its reservations and the events it is pushed), over a store in a
 * temporary directory, with the queue manager and the node state manager as stubs reached in memory: two up nodes,
 * node1 and node2, and the jobs a test puts in {@link #queued}. Passes run at the start and when events come (the
 * periodic one only every hour).
 */
class SchedulerOperationsTest {
    private static final RequestContext ADMIN = context(new Principal("admin", Role.ADMIN, null));
    private static final RequestContext ALICE = context(new Principal("alice", Role.USER, "alice"));
    private static final RequestContext EVENT_MANAGER = context(new Principal("event-manager", Role.COMPONENT, null));
    private static final String START = "2030-01-01T08:00:00Z";

    @TempDir
    Path dir;
    private final InMemoryComponents components = new InMemoryComponents();
    /** The scheduler's own events (reservations), as its event sink gets them. */
    private final List<EventType> published = new CopyOnWriteArrayList<>();
    /** The jobs the queue manager stub lists. */
    private final List<JobType> queued = new CopyOnWriteArrayList<>();
    /** The starts the queue manager stub was asked for, as "id nodes". */
    private final List<String> starts = new CopyOnWriteArrayList<>();
    /** How many notes each job-annotate carried. */
    private final List<Integer> annotations = new CopyOnWriteArrayList<>();
    /** The longest time between the scheduler's full passes. */
    private volatile Duration interval = Duration.ofHours(1);
    /** How many starts each job-start message carried. */
    private final List<Integer> startMessages = new CopyOnWriteArrayList<>();
    /** The nodes the node state manager stub lists, all up. */
    private volatile List<String> nodeNames = List.of("node1", "node2");
    /** The qualities of service the queue manager stub lists. */
    private volatile List<QosType> qos = List.of();
    /** The job the queue manager stub leaves out of its reply (a start it refused). */
    private static final String REFUSED = "9";
    private MessageDispatcher dispatcher;
    private SchedulerService service;

    private static RequestContext context(Principal principal) {
        return new RequestContext("scheduler", principal, "memory");
    }

    @BeforeEach
    void start() throws IOException {
        MessageDispatcher queueManager = components.stub("queue-manager");
        queueManager.register("job-query", JobListType.class, (request, context) -> {
            Jobs reply = new Jobs();
            reply.getJob().addAll(queued);
            return reply;
        });
        queueManager.register("queue-query", QueueQuery.class, (request, context) -> {
            Queues reply = new Queues();
            QueueType batch = new QueueType();
            batch.setName("batch");
            batch.setPriority(0);
            reply.getQueue().add(batch);
            reply.getQos().addAll(qos);
            return reply;
        });
        queueManager.register("job-start", JobStart.class, (request, context) -> {
            startMessages.add(request.getJob().size());
            Jobs reply = new Jobs();
            for (JobStart.Job start : request.getJob()) {
                starts.add(start.getId() + " " + start.getNodes());
                if (REFUSED.equals(start.getId())) {
                    continue;
                }
                JobType running = queued.stream().filter(job -> job.getId().equals(start.getId())).findFirst()
                        .orElseThrow();
                running.setState(JobState.RUNNING);
                running.setAllocated(start.getNodes());
                reply.getJob().add(running);
            }
            return reply;
        });
        queueManager.register("job-annotate", JobAnnotate.class, (request, context) -> {
            // As the queue manager does, a job-query shows each queued job's note as its reason.
            annotations.add(request.getJob().size());
            for (JobAnnotate.Job note : request.getJob()) {
                queued.stream().filter(job -> job.getId().equals(note.getId())).forEach(job -> job.setReason(note.getReason()));
            }
            return new Jobs();
        });
        components.stub("node-state-manager").register("get-node-state", GetNodeState.class, (request, context) -> {
            NodeStates reply = new NodeStates();
            for (String name : nodeNames) {
                NodeStateType node = new NodeStateType();
                node.setName(name);
                node.setSlots(4);
                node.setState(NodeState.UP);
                reply.getNodeState().add(node);
            }
            return reply;
        });
        startService();
    }

    private void startService() throws IOException {
        dispatcher = new MessageDispatcher(MessageCodec.messages());
        Subscriptions subscriptions = new Subscriptions(components, "scheduler");
        dispatcher.register("events", Events.class, subscriptions::deliver);
        service = SchedulerService.start(new SchedulerSettings(null, dir.resolve("scheduler.db"), interval,
                SchedulingPolicy.BACKFILL), components, subscriptions, published::add);
        new SchedulerOperations(service).registerOn(dispatcher);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8);
    }

    private List<String> reservationEvents() {
        return published.stream().map(event -> event.getMsg() + " " + event.getReservation().getId() + " "
                + event.getReservation().getNodes()).toList();
    }

    /** Alice's one-node job 1, as the queue manager lists it and announces it. */
    private static JobType job(String id) {
        JobType job = new JobType();
        job.setId(id);
        job.setUser("alice");
        job.setQueue("batch");
        job.setState(JobState.QUEUED);
        job.setNodes(1);
        job.setPpn(1);
        job.setWalltime(600L);
        job.setPriority(0);
        job.setSubmitted(Instant.now());
        return job;
    }

    /** The queue manager's job-submitted event for a job, pushed to the scheduler as the event manager pushes it. */
    private String submitted(long seq, JobType job) {
        return send("<events subscriber=\"scheduler\" next=\"" + seq + "\"><event component=\"queue-manager\""
                + " msg=\"job-submitted\" seq=\"" + seq + "\"><job id=\"" + job.getId() + "\" user=\"alice\" queue=\"batch\""
                + " state=\"queued\" nodes=\"1\" ppn=\"1\" walltime=\"600\" priority=\"0\" submitted=\""
                + job.getSubmitted() + "\"/></event></events>", EVENT_MANAGER);
    }

    @Test
    void anAdministratorReservesNodesAndAnyoneMayListThem() {
        assertThat(send("<reservation-create nodes=\"node2 node1\" start=\"" + START + "\" duration=\"7200\""
                + " users=\"bob alice\"/>", ADMIN)).isEqualTo("<reservations><reservation id=\"res1\" nodes=\"node1 node2\""
                + " start=\"2030-01-01T08:00:00Z\" end=\"2030-01-01T10:00:00Z\" users=\"alice bob\"/></reservations>");
        assertThat(send("<reservation-create count=\"1\" start=\"2030-01-01T10:00:00Z\" duration=\"60\" users=\"carol\"/>",
                ADMIN)).as("a window that starts as the other ends may have its nodes")
                .contains("<reservation id=\"res2\" nodes=\"node1\"");
        assertThat(send("<reservation-query><reservation id=\"*\"/></reservation-query>", ALICE))
                .contains("id=\"res1\"").contains("id=\"res2\"");
        assertThat(send("<reservation-query><reservation id=\"res2\"/></reservation-query>", ALICE))
                .isEqualTo("<reservations><reservation id=\"res2\" nodes=\"node1\" start=\"2030-01-01T10:00:00Z\""
                        + " end=\"2030-01-01T10:01:00Z\" users=\"carol\"/></reservations>");
        assertThat(send("<reservation-query><reservation id=\"res9\"/></reservation-query>", ALICE))
                .isEqualTo("<reservations/>");
        assertThat(reservationEvents()).containsExactly("reservation-created res1 node1 node2",
                "reservation-created res2 node1");
    }

    @Test
    void aReservationOfANodeTheNodeStateManagerDoesNotKnowIsRefused() {
        assertThat(send("<reservation-create nodes=\"node1 n01\" start=\"" + START + "\" duration=\"60\" users=\"bob\"/>",
                ADMIN)).isEqualTo("<error type=\"Data\" code=\"bad-value\" msg=\"unknown node n01: the node state manager"
                + " does not know it\"/>");
        assertThat(reservationEvents()).isEmpty();
    }

    @Test
    void reservationsNeverShareANodeOverlappingWindowsAndCountsAreCheckedAgainstTheUpNodes() {
        send("<reservation-create nodes=\"node2\" start=\"" + START + "\" duration=\"7200\" users=\"bob\"/>", ADMIN);
        assertThat(send("<reservation-create nodes=\"node1 node2\" start=\"2030-01-01T09:00:00Z\" duration=\"60\""
                + " users=\"alice\"/>", ADMIN)).isEqualTo("<error type=\"Data\" code=\"bad-value\" msg=\"node node2 is"
                + " reserved by res1 from 2030-01-01T08:00:00Z to 2030-01-01T10:00:00Z\"/>");
        assertThat(send("<reservation-create count=\"1\" start=\"2030-01-01T09:00:00Z\" duration=\"60\" users=\"alice\"/>",
                ADMIN)).as("the first up node free then").contains("nodes=\"node1\"");
        assertThat(send("<reservation-create count=\"1\" start=\"2030-01-01T09:00:00Z\" duration=\"60\" users=\"alice\"/>",
                ADMIN)).contains("code=\"bad-value\"").contains("count 1: only 0 up node(s) are free of reservations");
        assertThat(send("<reservation-create nodes=\"node1\" count=\"1\" start=\"" + START + "\" duration=\"60\""
                + " users=\"a\"/>", ADMIN)).isEqualTo("<error type=\"Data\" code=\"bad-value\" msg=\"give either nodes or"
                + " count\"/>");
        assertThat(send("<reservation-create start=\"" + START + "\" duration=\"60\" users=\"a\"/>", ADMIN))
                .contains("give either nodes or count");
        assertThat(send("<reservation-create count=\"99999999999\" start=\"" + START + "\" duration=\"60\" users=\"a\"/>",
                ADMIN)).contains("is larger than any cluster");
        assertThat(send("<reservation-query><reservation id=\"*\"/></reservation-query>", ALICE).split("<reservation "))
                .hasSize(3);
    }

    /** A reservation by count takes no node a running job holds into its window (Slurm's nodecnt does the same). */
    @Test
    void aReservationByCountTakesNoNodeARunningJobHoldsIntoItsWindow() throws IOException {
        service.close();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JobType running = job("5");
        running.setState(JobState.RUNNING);
        running.setAllocated("node1");
        running.setStarted(now);
        queued.add(running); // walltime 600 s: node1 is busy until now + 10 minutes
        startService();
        await().atMost(Duration.ofSeconds(5)).until(() -> !components.requestsTo("queue-manager").isEmpty());
        assertThat(send("<reservation-create count=\"1\" start=\"" + now.plusSeconds(60) + "\" duration=\"60\""
                + " users=\"carol\"/>", ADMIN)).as("within the job's walltime").contains("nodes=\"node2\"");
        assertThat(send("<reservation-create count=\"1\" start=\"" + now.plusSeconds(90) + "\" duration=\"60\""
                + " users=\"carol\"/>", ADMIN)).contains("code=\"bad-value\"")
                .contains("only 0 up node(s) are free of reservations and running jobs");
        assertThat(send("<reservation-create count=\"1\" start=\"" + now.plusSeconds(3600) + "\" duration=\"60\""
                + " users=\"carol\"/>", ADMIN)).as("after the job's walltime").contains("nodes=\"node1\"");
    }

    /**
     * The queue manager keeps the scheduler's notes in memory only: after its restart they are sent again (they were
     * sent only when they changed, so a waiting job showed no reason until the plan changed).
     */
    @Test
    void notesTheQueueManagerLostInARestartAreSentAgain() throws IOException {
        service.close();
        nodeNames = List.of("node1");
        JobType running = job("5");
        running.setState(JobState.RUNNING);
        running.setAllocated("node1");
        running.setStarted(Instant.now());
        JobType waiting = job("6");
        queued.addAll(List.of(running, waiting));
        interval = Duration.ofMillis(200);
        startService();
        await("job 6's note").atMost(Duration.ofSeconds(10)).until(() -> waiting.getReason() != null);
        String note = waiting.getReason();
        int sent = annotations.size();
        await("more full passes").atMost(Duration.ofSeconds(10))
                .until(() -> components.requestsTo("queue-manager").size() > 20);
        assertThat(annotations).as("an unchanged note is not sent again").hasSize(sent);
        waiting.setReason(null); // the queue manager restarted
        await("the note sent again").atMost(Duration.ofSeconds(10)).until(() -> note.equals(waiting.getReason()));
    }

    /** A QOS's priority ranks its jobs before older ones of the same queue; its max-jobs-per-user holds the rest. */
    @Test
    void aQosRaisesItsJobsPriorityAndLimitsAUsersJobsAtOnce() throws IOException {
        service.close();
        QosType debug = new QosType();
        debug.setName("debug");
        debug.setPriority(100);
        debug.setMaxJobsPerUser(1);
        QosType normal = new QosType();
        normal.setName("normal");
        qos = List.of(normal, debug);
        JobType older = job("1");
        older.setQos("normal");
        older.setSubmitted(Instant.now().minus(Duration.ofMinutes(30)));
        JobType first = job("2");
        first.setQos("debug");
        JobType second = job("3");
        second.setQos("debug");
        queued.addAll(List.of(older, first, second));
        startService();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(starts)
                .as("debug's job first, its second held back").containsExactly("2 node1", "1 node2"));
        await("job 3's note").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(second.getReason())
                .isEqualTo("QOS debug: at most 1 job of alice at once (max-jobs-per-user)"));
    }

    @Test
    void onlyAdministratorsCreateOrDeleteAndDeletedReservationsAreGoneForGood() throws IOException {
        assertThat(send("<reservation-create nodes=\"node1\" start=\"" + START + "\" duration=\"60\" users=\"alice\"/>",
                ALICE)).isEqualTo("<error type=\"Semantic\" code=\"permission-denied\" msg=\"user alice may not create"
                + " reservations; administrators do\"/>");
        send("<reservation-create nodes=\"node1\" start=\"" + START + "\" duration=\"60\" users=\"alice\"/>", ADMIN);
        send("<reservation-create nodes=\"node2\" start=\"" + START + "\" duration=\"60\" users=\"bob\"/>", ADMIN);
        assertThat(send("<reservation-delete><reservation id=\"res1\"/></reservation-delete>", ALICE))
                .contains("code=\"permission-denied\"").contains("may not delete reservations");
        assertThat(send("<reservation-delete><reservation id=\"res1\"/></reservation-delete>", ADMIN))
                .startsWith("<reservations><reservation id=\"res1\" nodes=\"node1\"");
        assertThat(send("<reservation-delete><reservation id=\"res1\"/></reservation-delete>", ADMIN))
                .isEqualTo("<error type=\"Data\" code=\"not-found\" msg=\"no reservation res1\"/>");
        service.close();
        startService();
        assertThat(send("<reservation-query><reservation id=\"*\"/></reservation-query>", ALICE)).as("after a restart")
                .isEqualTo("<reservations><reservation id=\"res2\" nodes=\"node2\" start=\"2030-01-01T08:00:00Z\""
                        + " end=\"2030-01-01T08:01:00Z\" users=\"bob\"/></reservations>");
        assertThat(reservationEvents()).containsExactly("reservation-created res1 node1", "reservation-created res2 node2",
                "reservation-deleted res1 node1");
    }

    @Test
    void aSubmittedJobIsStartedOnAFreeNodeAndAReservationKeepsOthersOffItsNodes() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        assertThat(send("<reservation-create nodes=\"node1\" start=\"" + now.minusSeconds(60) + "\" duration=\"3600\""
                + " users=\"bob\"/>", ADMIN)).contains("id=\"res1\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> !components.requestsTo("node-state-manager").isEmpty());
        JobType job = job("1");
        queued.add(job);
        assertThat(submitted(1, job)).as("the first pass read no job: this one comes by its event").isEqualTo("<event-ok/>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(starts)
                .as("node1 is bob's now").containsExactly("1 node2"));
    }

    /**
     * A job that names a reservation (qsub -l advres, sbatch --reservation) runs only on its nodes, only while its
     * window is open, only if it ends inside it, and only for its users; otherwise it waits and says why.
     */
    @Test
    void aJobInAReservationRunsOnItsNodesInsideItsWindowAndOthersSayWhyTheyWait() throws IOException {
        service.close();
        nodeNames = List.of("node1", "node2", "node3");
        startService();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        send("<reservation-create nodes=\"node3\" start=\"" + now.minusSeconds(60) + "\" duration=\"3600\""
                + " users=\"alice\"/>", ADMIN);
        send("<reservation-create nodes=\"node2\" start=\"" + now.plusSeconds(3600) + "\" duration=\"3600\""
                + " users=\"alice\"/>", ADMIN);
        service.close();
        JobType inside = job("1");
        inside.setReservation("res1");
        JobType later = job("2");
        later.setReservation("res2");
        JobType tooLong = job("3");
        tooLong.setReservation("res1");
        tooLong.setWalltime(7200L);
        JobType gone = job("4");
        gone.setReservation("res9");
        JobType notHers = job("5");
        notHers.setUser("bob");
        notHers.setReservation("res1");
        queued.addAll(List.of(inside, later, tooLong, gone, notHers));
        startService();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(starts)
                .as("node1 is free, yet the job may have only its reservation's node").containsExactly("1 node3"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(later.getReason()).isEqualTo("reservation res2 starts at " + now.plusSeconds(3600));
            assertThat(tooLong.getReason()).isEqualTo("reservation res1 ends at " + now.plusSeconds(3540)
                    + ", before the job's walltime would");
            assertThat(gone.getReason()).startsWith("reservation res9 does not exist");
            assertThat(notHers.getReason()).isEqualTo("reservation res1 is not bob's");
        });
        assertThat(starts).containsExactly("1 node3");
    }

    @Test
    void aPassSendsAllItsStartsInOneMessageAndARefusedOneIsPlannedAgain() throws IOException {
        service.close();
        queued.addAll(List.of(job("1"), job(REFUSED)));
        startService();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(startMessages).as("one job-start, two jobs")
                .startsWith(2));
        assertThat(starts.subList(0, 2)).containsExactlyInAnyOrder("1 node1", REFUSED + " node2");
        assertThat(submitted(1, job("3"))).isEqualTo("<event-ok/>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(starts.subList(2, starts.size()))
                .as("job 1 holds its node; the refused job is planned again").contains(REFUSED + " node2")
                .doesNotContain("1 node1", "1 node2"));
    }

    @Test
    void aJobOfThousandsOfNodesIsStartedWithItsWholeNodeList() throws IOException {
        service.close();
        nodeNames = java.util.stream.IntStream.rangeClosed(1, 2000).mapToObj(i -> String.format("compute-%05d", i))
                .toList();
        JobType wide = job("1");
        wide.setNodes(2000);
        queued.add(wide);
        startService();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(starts).as("27,999 characters of nodes")
                .singleElement().satisfies(start -> assertThat(start.split(" ")).hasSize(2001)));
    }

    @Test
    void hostileOrInvalidMessagesGetErrorsAndTheDispatcherKeepsServing() {
        assertThat(send("<reservation-create nodes=\"node1\"", ADMIN)).contains("type=\"Validation\"")
                .contains("code=\"not-well-formed\"");
        assertThat(send("<reservation-create nodes=\"node1\" start=\"" + START + "\" duration=\"0\" users=\"a\"/>", ADMIN))
                .as("a window of no time").contains("code=\"schema-invalid\"");
        assertThat(send("<reservation-create nodes=\"node1\" start=\"tomorrow\" duration=\"60\" users=\"a\"/>", ADMIN))
                .contains("code=\"schema-invalid\"");
        assertThat(send("<reservation-query/>", ALICE)).contains("code=\"schema-invalid\"");
        assertThat(send("<events subscriber=\"someone-else\"/>", EVENT_MANAGER)).contains("code=\"not-found\"");
        assertThat(send("<job-submit workdir=\"/tmp\"><script name=\"x\">true</script></job-submit>", ALICE))
                .contains("code=\"unsupported-operation\"");
        assertThat(send("<reservation-query><reservation id=\"*\"/></reservation-query>", ALICE)).as("still serving")
                .isEqualTo("<reservations/>");
        assertThat(published).isEmpty();
    }
}
