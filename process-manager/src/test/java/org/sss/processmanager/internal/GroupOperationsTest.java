package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.processmanager.ProcessManagerSettings;
import org.sss.schema.EventType;

/**
 * The process manager's operations, message in and message out, without sockets: its dispatcher wired as
 * {@link org.sss.processmanager.ProcessManager} wires it, over a store in a temporary directory, on a {@link FakeRing},
 * with the event manager a stub reached in memory.
 */
class GroupOperationsTest {
    private static final RequestContext QUEUE_MANAGER = context(new Principal("queue-manager", Role.COMPONENT, null));
    private static final RequestContext ADMIN = context(new Principal("admin", Role.ADMIN, null));
    private static final RequestContext ALICE = context(new Principal("alice", Role.USER, "alice"));
    private static final RequestContext BOB = context(new Principal("bob", Role.USER, "bob"));
    /** Two ranks of hostname, one on each node, labelled output. */
    private static final String HOSTNAMES = "<create-process-group totalprocs=\"2\" output=\"label\">"
            + "<process-spec exec=\"/bin/hostname\" cwd=\"/tmp\"><arg idx=\"1\" value=\"-s\"/><env name=\"K\" value=\"V\"/>"
            + "</process-spec><host-spec>node1 node2</host-spec></create-process-group>";

    @TempDir
    Path dir;
    private final FakeRing ring = new FakeRing();
    private final InMemoryComponents components = new InMemoryComponents();
    private final List<EventType> events = components.recordEvents();
    private final MessageDispatcher dispatcher = new MessageDispatcher(MessageCodec.messages());
    private GroupManager groups;

    private static RequestContext context(Principal principal) {
        return new RequestContext("process-manager", principal, "memory");
    }

    @BeforeEach
    void start() throws IOException {
        groups = GroupManager.start(settings(dir.resolve("pm.db")), ring, components, dispatcher.codec());
        new GroupOperations(groups, Duration.ofSeconds(2)).registerOn(dispatcher);
    }

    private static ProcessManagerSettings settings(Path database) {
        return new ProcessManagerSettings(null, List.of(), null, database, 12, Duration.ofSeconds(5), 4096, false,
                Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        groups.close();
    }

    private String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8)
                .replaceAll("(created|ended)=\"[^\"]*\"", "$1=\"T\"");
    }

    private static String one(String operation, String pgid) {
        return "<" + operation + "><process-group pgid=\"" + pgid + "\"/></" + operation + ">";
    }

    /** Alice's two hostnames, launched and started: rank 0 on mpd1 (pid 100), rank 1 on mpd2 (pid 101). */
    private void aliceRunsHostnames() {
        assertThat(send(HOSTNAMES, ALICE)).isEqualTo("<process-group pgid=\"1\"/>");
        ring.tell("1@mpd1", new JobEvent.Launched("1@mpd1", ring.launched.getFirst().tag(), List.of("mpd1", "mpd2")));
        ring.tell("1@mpd1", new JobEvent.Spawned("1@mpd1", "mpd1", Map.of(0, 100), 0));
        ring.tell("1@mpd1", new JobEvent.Spawned("1@mpd1", "mpd2", Map.of(1, 101), 0));
    }

    private List<String> published() {
        return events.stream().map(event -> event.getMsg() + " " + event.getProcessGroup().getPgid()
                + (event.getProcessGroup().getSignal() == null ? "" : " " + event.getProcessGroup().getSignal())
                + (event.getProcessGroup().getExitStatus() == null ? "" : " " + event.getProcessGroup().getExitStatus()))
                .toList();
    }

    @Test
    void aJobIdThatNamesAnotherJobAfterItsMpdRestartedEndsTheGroupAsLostAndTouchesNothingOfTheOther() {
        aliceRunsHostnames();
        ring.tell("1@mpd1", new JobEvent.Launched("1@mpd1", "pg:someone-else:1f", List.of("mpd1")));
        await("the group ends as lost").atMost(Duration.ofSeconds(10)).until(() -> published().stream()
                .anyMatch(line -> line.startsWith("process-group-end 1 ")));
        assertThat(send(one("get-process-group-info", "1"), ALICE)).contains("names another job now");
        assertThat(ring.actions).as("the other job is neither killed nor forgotten").noneMatch(action ->
                action.startsWith("kill ") || action.startsWith("release "));
    }

    @Test
    void aUsersGroupIsLaunchedAsThemOnTheHostsAskedForAndDescribed() {
        aliceRunsHostnames();
        JobRequest launched = ring.launched.getFirst();
        assertThat(launched.submitter()).isEqualTo("alice");
        assertThat(launched.hostOfRank()).containsExactly("node1", "node2");
        assertThat(launched.detached()).isTrue();
        assertThat(launched.tag()).startsWith("pg:1:");
        assertThat(launched.sets()).singleElement().satisfies(set -> {
            assertThat(set.count()).isEqualTo(2);
            assertThat(set.exec()).isEqualTo("/bin/hostname");
            assertThat(set.args()).containsExactly("-s");
            assertThat(set.runAs()).as("a user's processes run as the user").isEqualTo("alice");
            assertThat(set.env()).containsExactly("PATH=/usr/local/bin:/usr/bin:/bin", "K=V");
            assertThat(set.wdir()).isEqualTo("/tmp");
        });
        assertThat(send(one("get-process-group-info", "1"), ALICE)).isEqualTo("<process-groups>"
                + "<process-group pgid=\"1\" submitter=\"alice\" totalprocs=\"2\" output=\"label\" state=\"running\""
                + " created=\"T\" ring-job=\"1@mpd1\">"
                + "<process-spec exec=\"/bin/hostname\" cwd=\"/tmp\"><arg idx=\"1\" value=\"-s\"/><env name=\"K\" value=\"V\"/>"
                + "</process-spec><host-spec>node1 node2</host-spec>"
                + "<process rank=\"0\" host=\"mpd1\" pid=\"100\" exec=\"/bin/hostname\" session=\"100\" state=\"running\"/>"
                + "<process rank=\"1\" host=\"mpd2\" pid=\"101\" exec=\"/bin/hostname\" session=\"101\" state=\"running\"/>"
                + "</process-group></process-groups>");
        assertThat(send("<get-process-group-info><process-group state=\"running\"><process host=\"mpd2\"/></process-group>"
                + "</get-process-group-info>", ADMIN)).as("selected by a process's host").contains("pgid=\"1\"");
        assertThat(send("<get-process-group-info><process-group state=\"ended\"/></get-process-group-info>", ADMIN))
                .isEqualTo("<process-groups/>");
    }

    @Test
    void aGroupsEndIsStoredAnnouncedWaitedForAndThenDeleted() {
        aliceRunsHostnames();
        assertThat(send(one("del-process-group-info", "1"), ALICE)).isEqualTo("<error type=\"Semantic\" code=\"invalid-state\""
                + " msg=\"process group 1 is running; only ended groups can be deleted\"/>");
        ring.tell("1@mpd1", new JobEvent.Output("1@mpd1", 0, null, 1, "node1\n".getBytes(StandardCharsets.UTF_8)));
        ring.tell("1@mpd1", new JobEvent.RankExited("1@mpd1", 0, 0, "mpd1", 0, 100, null));
        ring.tell("1@mpd1", new JobEvent.RankExited("1@mpd1", 1, 1, "mpd2", 0, 101, null));
        ring.tell("1@mpd1", new JobEvent.Ended("1@mpd1", 1, "rank 1 exited with status 1"));
        String output = Base64.getEncoder().encodeToString("0: node1\n".getBytes(StandardCharsets.UTF_8));
        assertThat(send(one("wait-process-group", "1"), ALICE)).isEqualTo("<process-groups>"
                + "<process-group pgid=\"1\" submitter=\"alice\" totalprocs=\"2\" output=\"label\" state=\"ended\""
                + " exit-status=\"1\" reason=\"rank 1 exited with status 1\" created=\"T\" ended=\"T\" ring-job=\"1@mpd1\">"
                + "<exit-code host=\"mpd1\" pid=\"100\" rank=\"0\" status=\"0\"/>"
                + "<exit-code host=\"mpd2\" pid=\"101\" rank=\"1\" status=\"1\"/>"
                + "<output encoding=\"base64\">" + output + "</output><error encoding=\"base64\"/>"
                + "</process-group></process-groups>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(published()).containsExactly("process-group-end 1 1");
            assertThat(ring.actions).as("the ring's job is released once its end is stored").containsExactly("release 1@mpd1");
        });
        assertThat(send(one("kill-process-group", "1"), ALICE)).as("killing an ended group reports it")
                .contains("state=\"ended\"");
        assertThat(send("<signal-process-group signal=\"USR1\"><process-group pgid=\"1\"/></signal-process-group>", ALICE)).contains("code=\"invalid-state\"").contains("process group 1 is ended");
        assertThat(send("<del-process-group-info><process-group pgid=\"1\"/><process-group pgid=\"*\"/>"
                + "</del-process-group-info>", ALICE)).as("a group two restrictions name is deleted and reported once")
                .containsOnlyOnce("<process-group pgid=\"1\"").contains("state=\"ended\"");
        assertThat(send(one("get-process-group-info", "1"), ALICE))
                .isEqualTo("<error type=\"Data\" code=\"not-found\" msg=\"no process group 1\"/>");
        assertThat(ring.actions).containsExactly("release 1@mpd1");
    }

    @Test
    void aGroupWhoseEndIsNotStoredYetIsNotDeleted() {
        aliceRunsHostnames();
        List<String> during = new java.util.concurrent.CopyOnWriteArrayList<>();
        ring.whileSignalling = () -> {
            ring.tell("1@mpd1", new JobEvent.RankExited("1@mpd1", 0, 0, "mpd1", 0, 100, null));
            ring.tell("1@mpd1", new JobEvent.RankExited("1@mpd1", 1, 1, "mpd2", 0, 101, null));
            ring.tell("1@mpd1", new JobEvent.Ended("1@mpd1", 0, null));
            during.add(send(one("del-process-group-info", "*"), ALICE));
            during.add(send(one("del-process-group-info", "1"), ALICE));
        };
        send("<signal-process-group signal=\"USR1\"><process-group pgid=\"1\"/></signal-process-group>", ALICE);
        ring.whileSignalling = () -> { };
        assertThat(during.get(0)).as("ended, its end held back by the signal in flight: a wildcard passes over it")
                .isEqualTo("<process-groups/>");
        assertThat(during.get(1)).as("named, it is waited for, then refused").contains("code=\"invalid-state\"")
                .contains("its end is not stored yet");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(published()).contains("process-group-end 1 0"));
        assertThat(send(one("del-process-group-info", "1"), ALICE)).contains("<process-group pgid=\"1\"");
        assertThat(send(one("get-process-group-info", "1"), ALICE)).contains("code=\"not-found\"");
    }

    @Test
    void signalsKillsAndCheckpointsGoToTheRingAndSignalsAreAnnounced() {
        aliceRunsHostnames();
        assertThat(send("<signal-process-group signal=\"SIGUSR1\"><process-group pgid=\"1\"/></signal-process-group>", ADMIN))
                .as("an administrator may signal anyone's group").isEqualTo("<process-groups>"
                        + "<process-group pgid=\"1\" submitter=\"alice\" totalprocs=\"2\" output=\"label\" state=\"running\""
                        + " created=\"T\" ring-job=\"1@mpd1\">"
                        + "<process rank=\"0\" host=\"mpd1\" pid=\"100\" exec=\"/bin/hostname\" session=\"100\""
                        + " state=\"running\" delivered=\"true\"/>"
                        + "<process rank=\"1\" host=\"mpd2\" pid=\"101\" exec=\"/bin/hostname\" session=\"101\""
                        + " state=\"running\" delivered=\"true\"/></process-group></process-groups>");
        assertThat(send("<signal-process-group signal=\"2\" scope=\"single\" rank=\"1\"><process-group pgid=\"1\"/>"
                + "</signal-process-group>", ALICE)).contains("rank=\"1\"").doesNotContain("rank=\"0\"");
        assertThat(send(one("checkpoint-process-group", "1"), ALICE)).contains("delivered=\"true\"");
        assertThat(send(one("kill-process-group", "1"), ALICE)).contains("state=\"running\"");
        assertThat(ring.actions).containsExactly("signal 1@mpd1 10 rank -1 group", "signal 1@mpd1 2 rank 1 single",
                "signal 1@mpd1 12 rank -1 single", "kill 1@mpd1 15");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).containsExactly(
                "process-group-signal 1 USR1", "process-group-signal 1 INT", "process-group-signal 1 USR2",
                "process-group-signal 1 TERM"));
        assertThat(send("<signal-process-group signal=\"NOPE\"><process-group pgid=\"1\"/></signal-process-group>", ALICE))
                .contains("type=\"Data\"").contains("code=\"bad-value\"");
        assertThat(send("<signal-process-group signal=\"TERM\" rank=\"2\"><process-group pgid=\"1\"/>"
                + "</signal-process-group>", ALICE)).contains("code=\"bad-value\"")
                .contains("rank 2 is outside process group 1 of 2");
        assertThat(ring.actions).hasSize(4);
    }

    @Test
    void aUserMayNeitherTouchAnothersGroupsNorActAsAnother() {
        aliceRunsHostnames();
        for (String operation : List.of("get-process-group-info", "kill-process-group", "del-process-group-info",
                "checkpoint-process-group", "wait-process-group")) {
            assertThat(send(one(operation, "1"), BOB)).as(operation).isEqualTo("<error type=\"Semantic\""
                    + " code=\"permission-denied\" msg=\"user bob may not act on process group 1 of alice\"/>");
        }
        assertThat(send(one("get-process-group-info", "*"), BOB)).as("a wildcard shows only one's own")
                .isEqualTo("<process-groups/>");
        assertThat(send(HOSTNAMES.replace("totalprocs=", "submitter=\"alice\" totalprocs="), BOB))
                .contains("code=\"permission-denied\"").contains("user bob may not submit process groups for alice");
        assertThat(send(HOSTNAMES.replace("exec=", "user=\"alice\" exec="), BOB))
                .contains("code=\"permission-denied\"").contains("user bob may not run processes as alice");
        assertThat(send(HOSTNAMES.replace("exec=", "user=\"root\" exec="), ADMIN)).contains("code=\"permission-denied\"")
                .contains("allow-root is off");
        assertThat(ring.launched).hasSize(1);
        assertThat(ring.actions).isEmpty();
    }

    @Test
    void aCreatorsOwnPgidIsKeptAndAskingAgainReturnsTheSameGroup() {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-7-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        assertThat(send(create, QUEUE_MANAGER)).isEqualTo("<process-group pgid=\"job-7-1\"/>");
        assertThat(send(create, QUEUE_MANAGER)).as("the same creator again").isEqualTo("<process-group pgid=\"job-7-1\"/>");
        assertThat(ring.launched).as("launched once").hasSize(1);
        assertThat(send(create.replace("submitter=\"alice\"", "submitter=\"carol\""), QUEUE_MANAGER))
                .isEqualTo("<error type=\"Semantic\" code=\"invalid-request\" msg=\"pgid job-7-1 is taken\"/>");
        assertThat(send(one("get-process-group-info", "job-7-1"), ALICE)).contains("submitter=\"alice\"");
    }

    @Test
    void aUserCannotTakeTheQueueManagersPgidsNorAdoptAGroupAnotherCreatorMadeForThem() {
        assertThat(send(HOSTNAMES.replace("totalprocs=", "pgid=\"job-9-1\" totalprocs="), ALICE))
                .contains("code=\"permission-denied\"").contains("are the queue manager's");
        assertThat(ring.launched).isEmpty();
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"run-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        assertThat(send(create, QUEUE_MANAGER)).isEqualTo("<process-group pgid=\"run-1\"/>");
        assertThat(send(HOSTNAMES.replace("totalprocs=", "pgid=\"run-1\" totalprocs="), ALICE))
                .as("alice's own create of the component's group for her").contains("pgid run-1 is taken");
        assertThat(ring.launched).hasSize(1);
    }

    @Test
    void aKillOfAGroupStillLaunchingIsCarriedOutOnceItIsLaunched() throws Exception {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-10-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        java.util.concurrent.CompletableFuture<String> kill = new java.util.concurrent.CompletableFuture<>();
        ring.whileLaunching = () -> {
            ring.whileLaunching = () -> { };
            Thread killer = Thread.ofVirtual().start(() -> kill.complete(send(one("kill-process-group", "job-10-1"), QUEUE_MANAGER)));
            await().atMost(Duration.ofSeconds(5)).until(() -> kill.isDone() || killer.getState() == Thread.State.TIMED_WAITING);
        };
        assertThat(send(create, QUEUE_MANAGER)).isEqualTo("<process-group pgid=\"job-10-1\"/>");
        assertThat(kill.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains("pgid=\"job-10-1\"");
        assertThat(ring.actions).as("the kill reached the ring once the group had its job")
                .anyMatch(action -> action.startsWith("kill ") && action.endsWith(" " + org.sss.mpd.client.UnixSignals.TERM));
    }

    @Test
    void aCreateAskedAgainWhileItsGroupIsStillLaunchingGetsThatGroupOnceLaunched() throws Exception {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-8-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        java.util.concurrent.CompletableFuture<String> again = new java.util.concurrent.CompletableFuture<>();
        ring.whileLaunching = () -> {
            ring.whileLaunching = () -> { };
            Thread asker = Thread.ofVirtual().start(() -> again.complete(send(create, QUEUE_MANAGER)));
            await().atMost(Duration.ofSeconds(5)).until(() -> again.isDone()
                    || asker.getState() == Thread.State.TIMED_WAITING);
        };
        assertThat(send(create, QUEUE_MANAGER)).isEqualTo("<process-group pgid=\"job-8-1\"/>");
        assertThat(again.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("waited for the launch, not refused as taken")
                .isEqualTo("<process-group pgid=\"job-8-1\"/>");
        assertThat(ring.launched).as("launched once").hasSize(1);
    }

    /**
     * The mpd started the group's job but its answer was lost: the create is answered "timed out" (ask again), the
     * group stays, its job is found on the ring by its tag and followed, and the create asked again gets that group.
     * Before, the group was forgotten at once, its job ran on untracked, and the queue manager's next try started a
     * second copy.
     */
    @Test
    void aGroupWhoseLaunchAnswerWasLostIsFoundByItsTagAndNotLaunchedTwice() {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-11-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        ring.loseLaunchAnswers(true);
        assertThat(send(create, QUEUE_MANAGER)).contains("code=\"timed-out\"").contains("ask again");
        ring.loseLaunchAnswers(null);
        await("the group's job found and followed").atMost(Duration.ofSeconds(20)).until(() ->
                send(one("get-process-group-info", "job-11-1"), QUEUE_MANAGER).contains("state=\"running\""));
        assertThat(send(create, QUEUE_MANAGER)).as("asked again").isEqualTo("<process-group pgid=\"job-11-1\"/>");
        assertThat(ring.launched).as("launched once").hasSize(1);
    }

    /** The launch's answer was lost and no job has its tag: the group is forgotten, and a create asked again starts it. */
    @Test
    void aGroupWhoseLaunchAnswerWasLostAndThatNeverStartedIsForgottenAndStartedWhenAskedAgain() {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-12-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        ring.loseLaunchAnswers(false);
        assertThat(send(create, QUEUE_MANAGER)).contains("code=\"timed-out\"");
        ring.loseLaunchAnswers(null);
        assertThat(send(one("get-process-group-info", "job-12-1"), QUEUE_MANAGER)).as("still being found out")
                .contains("pgid=\"job-12-1\"");
        await("forgotten").atMost(Duration.ofSeconds(20)).until(() ->
                send(one("get-process-group-info", "job-12-1"), QUEUE_MANAGER).contains("<error"));
        assertThat(send(create, QUEUE_MANAGER)).isEqualTo("<process-group pgid=\"job-12-1\"/>");
        assertThat(ring.launched).hasSize(1);
    }

    /**
     * The launch's answer was lost and the job is not listed, but an mpd did not answer the listing: the job may be
     * led there, so the group is kept (not forgotten, which would let a second copy start) until the listing is whole.
     */
    @Test
    void aLostLaunchIsNotForgottenWhileAnMpdCannotBeListed() {
        String create = HOSTNAMES.replace("totalprocs=", "pgid=\"job-13-1\" submitter=\"alice\" totalprocs=")
                .replace("exec=", "user=\"alice\" exec=");
        ring.unlisted.add("mpd2");
        ring.loseLaunchAnswers(false);
        assertThat(send(create, QUEUE_MANAGER)).contains("code=\"timed-out\"");
        ring.loseLaunchAnswers(null);
        java.util.concurrent.atomic.AtomicInteger listings = new java.util.concurrent.atomic.AtomicInteger();
        ring.whileListing = listings::incrementAndGet;
        await("three listings without it").atMost(Duration.ofSeconds(20)).until(() -> listings.get() >= 3);
        assertThat(send(one("get-process-group-info", "job-13-1"), QUEUE_MANAGER)).as("kept while mpd2 is not listed")
                .contains("pgid=\"job-13-1\"").doesNotContain("<error");
        ring.unlisted.clear();
        await("forgotten once every mpd answered").atMost(Duration.ofSeconds(20)).until(() ->
                send(one("get-process-group-info", "job-13-1"), QUEUE_MANAGER).contains("<error"));
    }

    @Test
    void aGroupTheRingWillNotRunIsRefusedAndForgotten() {
        ring.refuseLaunches("exec failed");
        assertThat(send(HOSTNAMES, ALICE)).isEqualTo("<error type=\"Data\" code=\"bad-value\""
                + " msg=\"the ring refused the group: exec failed\"/>");
        assertThat(send(HOSTNAMES.replace("node2", "node9"), ALICE)).as("a host gone from the ring is worth trying later")
                .contains("code=\"unavailable\"").contains("host node9 is not in the ring now");
        ring.refuseLaunches(null);
        ring.unreachable(true);
        assertThat(send(HOSTNAMES, ALICE)).contains("code=\"unavailable\"").contains("the mpd ring cannot be reached");
        assertThat(send(one("get-process-group-info", "*"), ADMIN)).isEqualTo("<process-groups/>");
        ring.unreachable(false);
        assertThat(send(HOSTNAMES, ALICE)).startsWith("<process-group pgid=");
        assertThat(send(one("get-process-group-info", "*"), ADMIN).split("<process-group ")).hasSize(2);
    }

    @Test
    void aGroupCreatedWhileTheStoredGroupsAreBeingFoundOnTheRingIsKept() throws IOException {
        FakeRing slow = new FakeRing();
        AtomicBoolean launching = new AtomicBoolean();
        slow.detached.add(new DetachedJob("9@mpd1", "mpd1", false, "pg:9:0"));
        slow.whileListing = () -> await().atMost(Duration.ofSeconds(5)).untilTrue(launching);
        slow.whileLaunching = () -> {
            launching.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.actions.contains("release 9@mpd1"));
        };
        MessageDispatcher restarted = new MessageDispatcher(MessageCodec.messages());
        try (GroupManager racing = GroupManager.start(settings(dir.resolve("restarted.db")), slow, components,
                restarted.codec())) {
            new GroupOperations(racing, Duration.ofSeconds(2)).registerOn(restarted);
            assertThat(new String(restarted.handle(HOSTNAMES.getBytes(StandardCharsets.UTF_8), ALICE),
                    StandardCharsets.UTF_8)).as("created while the pass after the start ran").isEqualTo(
                    "<process-group pgid=\"1\"/>");
            assertThat(new String(restarted.handle(one("get-process-group-info", "1").getBytes(StandardCharsets.UTF_8),
                    ALICE), StandardCharsets.UTF_8)).contains("state=\"running\"");
        }
    }

    @Test
    void aWaitPastItsTimeoutIsTimedOut() {
        aliceRunsHostnames();
        assertThat(send("<wait-process-group timeout=\"0.05\"><process-group pgid=\"1\"/></wait-process-group>", ALICE))
                .isEqualTo("<error type=\"Semantic\" code=\"timed-out\" msg=\"process group 1 has not ended within 0.05 s;"
                        + " wait again\"/>");
    }

    @Test
    void hostileOrInvalidRequestsGetErrorsAndTheDispatcherKeepsServing() {
        assertThat(send("<create-process-group totalprocs=\"2\"><process-spec exec=\"/bin/true\"", ALICE))
                .contains("type=\"Validation\"").contains("code=\"not-well-formed\"");
        assertThat(send("<create-process-group totalprocs=\"0\"><process-spec exec=\"/bin/true\"/></create-process-group>",
                ALICE)).contains("type=\"Validation\"").contains("code=\"schema-invalid\"");
        assertThat(send("<create-process-group totalprocs=\"1\"><host-spec>node1</host-spec></create-process-group>", ALICE))
                .isEqualTo("<error type=\"Data\" code=\"bad-value\" msg=\"create-process-group needs at least one"
                        + " process-spec\"/>");
        assertThat(send("<create-process-group totalprocs=\"3\"><process-spec exec=\"a\" range=\"0-1\"/>"
                + "<process-spec exec=\"b\" range=\"1-2\"/></create-process-group>", ALICE)).contains("code=\"bad-value\"")
                .contains("rank 1 is in the range of more than one process-spec");
        assertThat(send("<create-process-group totalprocs=\"1\"><process-spec exec=\"a\"><env name=\"1X\" value=\"v\"/>"
                + "</process-spec></create-process-group>", ALICE)).contains("env name '1X' is not a variable name");
        assertThat(send("<create-process-group totalprocs=\"1\"><process-spec exec=\"a\"><limit type=\"nofile\""
                + " value=\"lots\"/></process-spec></create-process-group>", ALICE)).contains("code=\"schema-invalid\"");
        assertThat(send("<job-submit workdir=\"/tmp\"><script name=\"x\">true</script></job-submit>", ALICE))
                .contains("code=\"unsupported-operation\"");
        assertThat(ring.launched).isEmpty();
        assertThat(send(HOSTNAMES, ALICE)).as("still serving").isEqualTo("<process-group pgid=\"1\"/>");
    }
}
