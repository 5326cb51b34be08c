package org.sss.eventmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.config.EventManagerSettings;
import org.sss.lib.error.TransportException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.Events;

/**
 * The event manager's operations, message in and message out, without sockets: its dispatcher wired as
 * {@link org.sss.eventmanager.EventManager} wires it, over a log in a temporary directory, its pushes to subscribers
 * kept in memory (and checked against the schema, as a subscriber would).
 */
class EventOperationsTest {
    private static final RequestContext QUEUE_MANAGER = context(new Principal("queue-manager", Role.COMPONENT, null));
    private static final RequestContext ADMIN = context(new Principal("admin", Role.ADMIN, null));
    private static final RequestContext ALICE = context(new Principal("alice", Role.USER, "alice"));
    private static final MessageCodec CODEC = MessageCodec.messages();

    @TempDir
    Path dir;
    /** Each push as "host:port <events …> (number of events)", without the events' times. */
    private final List<String> pushes = new CopyOnWriteArrayList<>();
    private volatile boolean subscriberDown;
    private final MessageDispatcher dispatcher = new MessageDispatcher(CODEC);
    private EventLog log;
    private EventOperations operations;

    private static RequestContext context(Principal principal) {
        return new RequestContext("event-manager", principal, "memory");
    }

    @BeforeEach
    void start() throws IOException, SQLException {
        log = EventLog.open(dir.resolve("em.db"));
        operations = new EventOperations(log, (subscriber, events) -> {
            if (subscriberDown) {
                throw new TransportException("cannot connect to " + subscriber + ": connection refused", null, false);
            }
            Events push = (Events) CODEC.decode(events);
            pushes.add(subscriber + " " + new String(events, StandardCharsets.UTF_8).replaceAll(" time=\"[^\"]*\"", "")
                    + " (" + push.getEvent().size() + ")");
        }, new EventManagerSettings(null, dir.resolve("em.db"), 1000, Duration.ofDays(1), 2, Duration.ofMillis(200)));
        operations.registerOn(dispatcher);
    }

    @AfterEach
    void stop() {
        operations.close();
        log.close();
    }

    private String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8)
                .replaceAll(" time=\"[^\"]*\"", "");
    }

    private static String event(String component, String msg, String data) {
        return "<event component=\"" + component + "\" msg=\"" + msg + "\" data=\"" + data + "\"/>";
    }

    /** Five events: three of the queue manager's jobs, two of others. */
    private void publishFive() {
        assertThat(send("<add-event>" + event("queue-manager", "job-submitted", "1") + event("mpd", "node-down", "n1")
                + event("queue-manager", "job-submitted", "2") + "</add-event>", QUEUE_MANAGER))
                .isEqualTo("<event-ok seq=\"3\" count=\"3\"/>");
        assertThat(send("<add-event>" + event("other", "free-text", "x=1") + event("queue-manager", "job-finished", "1")
                + "</add-event>", QUEUE_MANAGER)).isEqualTo("<event-ok seq=\"5\" count=\"2\"/>");
    }

    @Test
    void publishedEventsAreLoggedInOrderAndReadBackPageByPage() {
        publishFive();
        assertThat(send("<get-events since=\"0\" limit=\"2\"/>", ALICE)).as("anyone may read the log").isEqualTo(
                "<events next=\"2\" more=\"true\" oldest=\"1\">"
                        + "<event component=\"queue-manager\" msg=\"job-submitted\" data=\"1\" seq=\"1\"/>"
                        + "<event component=\"mpd\" msg=\"node-down\" data=\"n1\" seq=\"2\"/></events>");
        assertThat(send("<get-events since=\"2\" limit=\"2\"/>", ALICE)).isEqualTo("<events next=\"4\" more=\"true\""
                + " oldest=\"1\"><event component=\"queue-manager\" msg=\"job-submitted\" data=\"2\" seq=\"3\"/>"
                + "<event component=\"other\" msg=\"free-text\" data=\"x=1\" seq=\"4\"/></events>");
        assertThat(send("<get-events since=\"4\" limit=\"2\"/>", ALICE)).isEqualTo("<events next=\"5\" more=\"false\""
                + " oldest=\"1\"><event component=\"queue-manager\" msg=\"job-finished\" data=\"1\" seq=\"5\"/></events>");
        assertThat(send("<get-events since=\"5\"/>", ALICE)).isEqualTo("<events next=\"5\" more=\"false\" oldest=\"1\"/>");
        assertThat(send("<get-events since=\"-7\" limit=\"0\"/>", ALICE)).as("a negative since and a zero limit are"
                + " taken as 0 and 1").contains("seq=\"1\"").doesNotContain("seq=\"2\"");
    }

    @Test
    void filtersSelectByWildcardsAndTheNextPositionSkipsWhatDidNotMatch() {
        publishFive();
        assertThat(send("<get-events><filter component=\"queue-*\" msg=\"job-sub*\"/></get-events>", ALICE)).isEqualTo(
                "<events next=\"5\" more=\"false\" oldest=\"1\">"
                        + "<event component=\"queue-manager\" msg=\"job-submitted\" data=\"1\" seq=\"1\"/>"
                        + "<event component=\"queue-manager\" msg=\"job-submitted\" data=\"2\" seq=\"3\"/></events>");
        assertThat(send("<get-events><filter data=\"n*\"/><filter msg=\"free-text\"/></get-events>", ALICE))
                .as("any filter matching").contains("seq=\"2\"").contains("seq=\"4\"").doesNotContain("seq=\"1\"");
    }

    @Test
    void aTypedEventKeepsItsPayload() {
        assertThat(send("<add-event><event component=\"queue-manager\" msg=\"job-finished\"><job id=\"17\" user=\"alice\""
                + " state=\"completed\" exit-status=\"3\"/></event></add-event>", QUEUE_MANAGER))
                .isEqualTo("<event-ok seq=\"1\" count=\"1\"/>");
        assertThat(send("<get-events/>", ALICE)).isEqualTo("<events next=\"1\" more=\"false\" oldest=\"1\">"
                + "<event component=\"queue-manager\" msg=\"job-finished\" seq=\"1\"><job id=\"17\" user=\"alice\""
                + " state=\"completed\" exit-status=\"3\"/></event></events>");
    }

    @Test
    void aUserReadsTheEventsOfTheirOwnJobsAndGroupsOnlyAndEveryoneElsesEvents() {
        assertThat(send("<add-event><event component=\"queue-manager\" msg=\"job-finished\"><job id=\"17\" user=\"bob\""
                + " name=\"secret-project\" state=\"completed\"/></event><event component=\"process-manager\""
                + " msg=\"process-group-end\"><process-group pgid=\"job-17-1\" submitter=\"bob\"/></event>"
                + "<event component=\"queue-manager\" msg=\"job-finished\"><job id=\"18\" user=\"alice\""
                + " state=\"completed\"/></event><event component=\"mpd\" msg=\"node-down\" data=\"n1\"/>"
                + "</add-event>", QUEUE_MANAGER)).isEqualTo("<event-ok seq=\"4\" count=\"4\"/>");
        assertThat(send("<get-events/>", ALICE)).as("bob's job and group left out; the page still ends at 4")
                .doesNotContain("bob", "secret-project").contains("id=\"18\"", "node-down", "next=\"4\"");
        assertThat(send("<get-events/>", QUEUE_MANAGER)).contains("secret-project", "submitter=\"bob\"");
    }

    @Test
    void aSubscribersMatchingEventsArePushedInOrderAndItsPositionFollowsTheAcknowledgements() {
        assertThat(send("<subscribe subscriber=\"scheduler\" host=\"sched\" port=\"7001\" since=\"0\"><filter"
                + " component=\"queue-manager\"/></subscribe>", QUEUE_MANAGER)).isEqualTo("<subscription"
                + " subscriber=\"scheduler\" host=\"sched\" port=\"7001\" acked=\"0\" failures=\"0\">"
                + "<filter component=\"queue-manager\"/></subscription>");
        publishFive();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pushes).as("two events a push").containsExactly(
                "sched:7001 <events subscriber=\"scheduler\" next=\"3\">"
                        + "<event seq=\"1\" component=\"queue-manager\" msg=\"job-submitted\" data=\"1\"/>"
                        + "<event seq=\"3\" component=\"queue-manager\" msg=\"job-submitted\" data=\"2\"/></events> (2)",
                "sched:7001 <events subscriber=\"scheduler\" next=\"5\">"
                        + "<event seq=\"5\" component=\"queue-manager\" msg=\"job-finished\" data=\"1\"/></events> (1)"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send("<get-subscriptions/>", ADMIN))
                .isEqualTo("<subscriptions><subscription subscriber=\"scheduler\" host=\"sched\" port=\"7001\" acked=\"5\""
                        + " failures=\"0\"><filter component=\"queue-manager\"/></subscription></subscriptions>"));
        assertThat(send("<subscribe subscriber=\"scheduler\" host=\"sched\" port=\"7002\"><filter"
                + " component=\"queue-manager\"/></subscribe>", QUEUE_MANAGER)).as("subscribing again keeps the position")
                .contains("port=\"7002\" acked=\"5\"");
        assertThat(send("<unsubscribe subscriber=\"scheduler\"/>", QUEUE_MANAGER)).contains("subscriber=\"scheduler\"")
                .contains("removed=\"true\"");
        assertThat(send("<get-subscriptions/>", ADMIN)).isEqualTo("<subscriptions/>");
        assertThat(send("<unsubscribe subscriber=\"scheduler\"/>", QUEUE_MANAGER))
                .isEqualTo("<error type=\"Data\" code=\"not-found\" msg=\"no subscription named scheduler\"/>");
    }

    @Test
    void aSubscriptionFromPastTheLogsEndStartsAtTheEndAndGetsWhatComes() {
        assertThat(send("<subscribe subscriber=\"queue-manager\" host=\"qm\" port=\"7003\" since=\"1000\"/>",
                QUEUE_MANAGER)).as("its stored position is past a log that was replaced").contains("acked=\"0\"");
        assertThat(send("<get-events since=\"1000\"/>", ALICE)).as("reading from there finds nothing, and fails not")
                .startsWith("<events next=\"1000\" more=\"false\"");
        publishFive();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(String.join("\n", pushes))
                .contains("data=\"1\"").contains("next=\"5\""));
    }

    @Test
    void aSubscriptionWithADelayGetsTheEventsOfThatTimeInOnePush() {
        assertThat(send("<subscribe subscriber=\"web\" host=\"web\" port=\"8080\" delay=\"2000\"/>", QUEUE_MANAGER))
                .contains("delay=\"2000\"");
        send("<add-event>" + event("mpd", "node-down", "n1") + "</add-event>", QUEUE_MANAGER);
        await().atMost(Duration.ofSeconds(5)).until(() -> pushes.size() == 1);
        send("<add-event>" + event("mpd", "node-up", "n1") + "</add-event>", QUEUE_MANAGER);
        send("<add-event>" + event("mpd", "node-down", "n2") + "</add-event>", QUEUE_MANAGER);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pushes).as("the first at once, the next"
                + " two together after the delay").containsExactly(
                "web:8080 <events subscriber=\"web\" next=\"1\"><event seq=\"1\" component=\"mpd\" msg=\"node-down\""
                        + " data=\"n1\"/></events> (1)",
                "web:8080 <events subscriber=\"web\" next=\"3\"><event seq=\"2\" component=\"mpd\" msg=\"node-up\""
                        + " data=\"n1\"/><event seq=\"3\" component=\"mpd\" msg=\"node-down\" data=\"n2\"/></events> (2)"));
        assertThat(send("<subscribe subscriber=\"web\" host=\"web\" port=\"8080\" delay=\"60001\"/>", QUEUE_MANAGER))
                .contains("type=\"Validation\"");
    }

    @Test
    void aFailingPushIsCountedAndRetriedFromTheSamePosition() {
        subscriberDown = true;
        send("<subscribe subscriber=\"web\" host=\"web\" port=\"8080\"/>", QUEUE_MANAGER);
        send("<add-event>" + event("mpd", "node-down", "n1") + "</add-event>", QUEUE_MANAGER);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send("<get-subscriptions/>", ADMIN))
                .contains("acked=\"0\"").containsPattern("failures=\"[1-9][0-9]*\"")
                .contains("last-error=\"cannot connect to web:8080: connection refused\""));
        assertThat(pushes).isEmpty();
        subscriberDown = false;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pushes).containsExactly(
                "web:8080 <events subscriber=\"web\" next=\"1\"><event seq=\"1\" component=\"mpd\" msg=\"node-down\""
                        + " data=\"n1\"/></events> (1)"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send("<get-subscriptions/>", ADMIN))
                .contains("acked=\"1\" failures=\"0\"").doesNotContain("last-error"));
    }

    @Test
    void onlyComponentsAndAdministratorsPublishOrManageSubscriptions() {
        assertThat(send("<add-event>" + event("queue-manager", "job-finished", "1") + "</add-event>", ALICE))
                .isEqualTo("<error type=\"Semantic\" code=\"permission-denied\" msg=\"user alice may not publish events\"/>");
        assertThat(send("<subscribe subscriber=\"mine\" host=\"h\" port=\"1\"/>", ALICE))
                .contains("code=\"permission-denied\"").contains("may not subscribe to events");
        assertThat(send("<unsubscribe subscriber=\"mine\"/>", ALICE)).contains("code=\"permission-denied\"");
        assertThat(send("<get-subscriptions/>", ALICE)).contains("code=\"permission-denied\"");
        assertThat(send("<subscribe subscriber=\"watch\" host=\"h\" port=\"1\"/>", ADMIN)).contains("subscriber=\"watch\"");
        assertThat(send("<get-events/>", ALICE)).as("nothing was logged").isEqualTo("<events next=\"0\" more=\"false\""
                + " oldest=\"1\"/>");
        assertThat(log.head()).isZero();
    }

    @Test
    void hostileOrInvalidMessagesGetErrorsAndTheDispatcherKeepsServing() {
        assertThat(send("<add-event><event component=\"x\" msg=\"y\"></add-event>", QUEUE_MANAGER))
                .contains("type=\"Validation\"").contains("code=\"not-well-formed\"");
        assertThat(send("<add-event/>", QUEUE_MANAGER)).as("no event").contains("code=\"schema-invalid\"");
        assertThat(send("<add-event><event component=\"x\"/></add-event>", QUEUE_MANAGER)).as("no msg")
                .contains("code=\"schema-invalid\"");
        assertThat(send("<add-event>" + event("x", "y", "z".repeat(65537)) + "</add-event>", QUEUE_MANAGER))
                .as("data longer than the schema allows").contains("type=\"Validation\"");
        assertThat(send("<subscribe subscriber=\"no spaces\" host=\"h\" port=\"1\"/>", QUEUE_MANAGER))
                .contains("code=\"schema-invalid\"");
        assertThat(send("<subscribe subscriber=\"s\" host=\"h\" port=\"70000\"/>", QUEUE_MANAGER))
                .contains("code=\"schema-invalid\"");
        assertThat(send("<job-query><job id=\"*\"/></job-query>", ALICE))
                .contains("type=\"Semantic\"").contains("code=\"unsupported-operation\"");
        assertThat(log.head()).isZero();
        assertThat(send("<add-event>" + event("x", "y", "z") + "</add-event>", QUEUE_MANAGER)).as("still serving")
                .isEqualTo("<event-ok seq=\"1\" count=\"1\"/>");
    }
}
