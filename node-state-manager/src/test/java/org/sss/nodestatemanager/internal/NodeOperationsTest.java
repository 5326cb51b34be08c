package org.sss.nodestatemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.RingWatcher;
import org.sss.nodestatemanager.NodeStateManagerSettings;
import org.sss.schema.EventType;

/**
 * The node state manager's operations, message in and message out, without sockets: its dispatcher wired as
 * {@link org.sss.nodestatemanager.NodeStateManager} wires it, over a store in a temporary directory, reading a ring
 * in memory (every 20 ms), with the event manager a stub reached in memory. Configured: node1 (8 slots, gpu), node2
 * (8 slots) and node3 (4 slots); the ring starts with node1's and node2's mpds.
 */
class NodeOperationsTest {
    private static final RequestContext ADMIN = context(new Principal("admin", Role.ADMIN, null));
    private static final RequestContext ALICE = context(new Principal("alice", Role.USER, "alice"));
    private static final RequestContext SCHEDULER = context(new Principal("scheduler", Role.COMPONENT, null));

    @TempDir
    Path dir;
    private final InMemoryComponents components = new InMemoryComponents();
    private final List<EventType> events = components.recordEvents();
    /** The ring as the reader finds it: its members' host names (each mpd's id is its host's name), or null: unreachable. */
    private volatile List<String> ring = List.of("node1", "node2");
    private MessageDispatcher dispatcher;
    private NodeService service;

    private static RequestContext context(Principal principal) {
        return new RequestContext("node-state-manager", principal, "memory");
    }

    @BeforeEach
    void start() throws IOException {
        startService();
    }

    private void startService() throws IOException {
        NodeStateManagerSettings settings = new NodeStateManagerSettings(null, List.of(), null, dir.resolve("nsm.db"),
                Duration.ofMillis(20), List.of(new ClusterNodes.Node("node1", 8, Set.of("gpu")),
                        new ClusterNodes.Node("node2", 8, Set.of()), new ClusterNodes.Node("node3", 4, Set.of())));
        service = NodeService.start(settings, new RingReader() {
            @Override
            public RingWatcher.Reading read() {
                List<String> hosts = ring;
                if (hosts == null) {
                    return new RingWatcher.Reading(null, "no mpd of the ring answers (last tried node1:7000: refused)");
                }
                return new RingWatcher.Reading(hosts.stream().map(host -> new RingMember(host, host,
                        new Endpoint(host, 7000))).toList(), "");
            }

            @Override
            public void close() {
            }
        }, components);
        dispatcher = new MessageDispatcher(MessageCodec.messages());
        new NodeOperations(service).registerOn(dispatcher);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8)
                .replaceAll(" since=\"[^\"]*\"", "");
    }

    private String state(String node) {
        return send("<get-node-state><node name=\"" + node + "\"/></get-node-state>", ALICE);
    }

    /** The node-state-changed events published so far, as "node state[ reason]". */
    private List<String> published() {
        return events.stream().map(event -> {
            assertThat(event.getMsg()).isEqualTo("node-state-changed");
            return event.getNode().getName() + " " + event.getNode().getState().value()
                    + (event.getNode().getReason() == null ? "" : " " + event.getNode().getReason());
        }).toList();
    }

    @Test
    void everyoneMayReadTheNodesAsTheRingAndTheConfigurationSayThem() {
        assertThat(send("<get-node-state><node name=\"*\"/></get-node-state>", ALICE)).isEqualTo("<node-states>"
                + "<node-state name=\"node1\" slots=\"8\" features=\"gpu\" state=\"up\" configured=\"true\"/>"
                + "<node-state name=\"node2\" slots=\"8\" state=\"up\" configured=\"true\"/>"
                + "<node-state name=\"node3\" slots=\"4\" state=\"down\" reason=\"its mpd is not in the ring\""
                + " configured=\"true\"/></node-states>");
        assertThat(send("<get-node-state><node state=\"down\"/><node name=\"node1\"/></get-node-state>", ALICE))
                .as("any restriction matching").contains("name=\"node1\"").contains("name=\"node3\"")
                .doesNotContain("name=\"node2\"");
        assertThat(send("<get-node-state><node name=\"node*\" state=\"offline\"/></get-node-state>", ALICE))
                .isEqualTo("<node-states/>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).containsExactly(
                "node1 up", "node2 up", "node3 down its mpd is not in the ring"));
    }

    @Test
    void aNodeWhoseMpdLeavesTheRingGoesDownAndComesBackUpWhenItRejoins() {
        ring = List.of("node1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state("node2"))
                .contains("state=\"down\" reason=\"its mpd is not in the ring\""));
        ring = List.of("node1", "node2", "node3");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(state("node2")).contains("state=\"up\"");
            assertThat(state("node3")).contains("state=\"up\"");
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).endsWith(
                "node2 down its mpd is not in the ring", "node2 up", "node3 up"));
    }

    @Test
    void aRingNobodyCanReachTakesEveryNodeDownWithTheReason() {
        ring = null;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send("<get-node-state><node state=\"down\"/>"
                + "</get-node-state>", ALICE).split("reason=\"no mpd of the ring answers \\(last tried node1:7000:"
                + " refused\\)\"")).hasSize(4));
    }

    @Test
    void aRingMemberTheConfigurationDoesNotNameIsListedAsSuch() {
        ring = List.of("node1", "node2", "node9");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state("node9"))
                .isEqualTo("<node-states><node-state name=\"node9\" slots=\"1\" state=\"up\" configured=\"false\"/>"
                        + "</node-states>"));
    }

    @Test
    void anAdministratorsStateIsKeptWithItsReasonAcrossRestartsButTheRingHasTheLastWord() throws IOException {
        assertThat(send("<set-node-state name=\"node1\" state=\"drained\" reason=\"disk replacement\"/>", ADMIN))
                .isEqualTo("<node-states><node-state name=\"node1\" slots=\"8\" features=\"gpu\" state=\"drained\""
                        + " reason=\"disk replacement\" configured=\"true\"/></node-states>");
        assertThat(send("<set-node-state name=\"node2\" state=\"offline\"/>", SCHEDULER)).as("a default reason")
                .contains("state=\"offline\" reason=\"set offline by component scheduler\"");
        service.close();
        startService();
        assertThat(state("node1")).as("after a restart").contains("state=\"drained\" reason=\"disk replacement\"");
        ring = List.of("node2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state("node1"))
                .contains("state=\"down\" reason=\"its mpd is not in the ring\""));
        ring = List.of("node1", "node2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state("node1"))
                .contains("state=\"drained\" reason=\"disk replacement\""));
        assertThat(send("<set-node-state name=\"node1\" state=\"up\"/>", ADMIN)).contains("state=\"up\"")
                .doesNotContain("reason=");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).containsSubsequence(
                "node1 drained disk replacement", "node2 offline set offline by component scheduler",
                "node1 down its mpd is not in the ring", "node1 drained disk replacement", "node1 up"));
    }

    @Test
    void onlyComponentsAndAdministratorsSetStatesAndOnlyToStatesTheyMaySet() {
        assertThat(send("<set-node-state name=\"node1\" state=\"offline\"/>", ALICE)).isEqualTo("<error type=\"Semantic\""
                + " code=\"permission-denied\" msg=\"user alice may not set node states; administrators do\"/>");
        assertThat(send("<set-node-state name=\"node1\" state=\"down\"/>", ADMIN)).isEqualTo("<error type=\"Data\""
                + " code=\"bad-value\" msg=\"state down is the ring's to say; set drained or offline\"/>");
        assertThat(send("<set-node-state name=\"node7\" state=\"drained\"/>", ADMIN))
                .isEqualTo("<error type=\"Data\" code=\"not-found\" msg=\"no node node7\"/>");
        assertThat(state("node1")).contains("state=\"up\"");
    }

    @Test
    void hostileOrInvalidMessagesGetErrorsAndTheDispatcherKeepsServing() {
        assertThat(send("<set-node-state name=\"node1\" state=\"drained\"", ADMIN)).contains("type=\"Validation\"")
                .contains("code=\"not-well-formed\"");
        assertThat(send("<set-node-state name=\"node1\" state=\"broken\"/>", ADMIN)).contains("code=\"schema-invalid\"");
        assertThat(send("<set-node-state name=\"node1\" state=\"drained\" reason=\"" + "x".repeat(1025) + "\"/>", ADMIN))
                .contains("code=\"schema-invalid\"");
        assertThat(send("<get-node-state/>", ALICE)).contains("code=\"schema-invalid\"");
        assertThat(send("<reservation-query><reservation id=\"*\"/></reservation-query>", ALICE))
                .contains("code=\"unsupported-operation\"");
        assertThat(state("node1")).as("still serving, nothing changed").contains("state=\"up\"");
    }
}
