package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Subscriptions;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;
import org.sss.schema.SetNodeState;

/**
 * Issue 8: node states from the configuration, the ring and administrators. Killing an mpd marks its node down
 * within 5 s; restarting it brings it back; drained survives a restart; only administrators set states.
 */
class NodeStateManagerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void nodesFollowTheRingAndTheirAdministrators() throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 144,
                "--grace", "1");
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<node-state-manager host=\"127.0.0.1\""
                     + " port=\"0\" poll-interval=\"0.2\"/><nodes><node name=\"node1\" slots=\"4\" features=\"gpu\"/>"
                     + "<node name=\"node2\" slots=\"4\"/><node name=\"node3\" slots=\"4\"/><node name=\"node4\"/></nodes>"));
             RecordingSubscriber subscriber = RecordingSubscriber.start(suite.config(), "nsm-events-test", 0L,
                     Subscriptions.filter(NodeStateManager.NAME, "node-state-changed", null))) {
            NodeStateManager nsm = NodeStateManager.start(suite.config());
            try {
                await("registration").atMost(WAIT).until(nsm.runtime()::isRegistered);
                Map<String, NodeStateType> nodes = states(as(suite, TestKeys.ALICE));
                assertThat(nodes.keySet()).containsExactly("node1", "node2", "node3", "node4");
                assertThat(nodes.get("node1").getState()).isEqualTo(NodeState.UP);
                assertThat(nodes.get("node1").getFeatures()).isEqualTo("gpu");
                assertThat(nodes.get("node4").getState()).isEqualTo(NodeState.DOWN);
                assertThat(nodes.get("node4").getReason()).isEqualTo("its mpd is not in the ring");

                assertThatThrownBy(() -> set(as(suite, TestKeys.ALICE), "node2", NodeState.DRAINED, "mine"))
                        .isInstanceOfSatisfying(SssException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
                assertThatThrownBy(() -> set(as(suite, TestKeys.ADMIN), "node2", NodeState.DOWN, "x"))
                        .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_VALUE));
                assertThatThrownBy(() -> set(as(suite, TestKeys.ADMIN), "node9", NodeState.DRAINED, "x"))
                        .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
                NodeStateType drained = set(as(suite, TestKeys.ADMIN), "node2", NodeState.DRAINED, "disk replacement");
                assertThat(drained.getState()).isEqualTo(NodeState.DRAINED);
                assertThat(drained.getReason()).isEqualTo("disk replacement");

                long killedAt = System.nanoTime();
                ring.mpds().get(2).kill9();
                await("node3 goes down").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> states(as(suite, TestKeys.ALICE)).get("node3").getState() == NodeState.DOWN);
                assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(5));

                ring.joinNamed("node3", 146, "--grace", "1");
                await("node3 comes back").atMost(WAIT)
                        .until(() -> states(as(suite, TestKeys.ALICE)).get("node3").getState() == NodeState.UP);
                await("the events").atMost(WAIT).until(() -> subscriber.events().stream()
                        .map(e -> e.getNode().getName() + " " + e.getNode().getState().value()
                                + (e.getNode().getReason() == null ? "" : " " + e.getNode().getReason()))
                        .toList().containsAll(List.of("node2 drained disk replacement",
                                "node3 down its mpd is not in the ring", "node3 up")));
            } finally {
                nsm.close();
            }
            try (NodeStateManager again = NodeStateManager.start(suite.config())) {
                await("registration again").atMost(WAIT).until(again.runtime()::isRegistered);
                Map<String, NodeStateType> nodes = states(as(suite, TestKeys.ALICE));
                assertThat(nodes.get("node2").getState()).isEqualTo(NodeState.DRAINED);
                assertThat(nodes.get("node2").getReason()).isEqualTo("disk replacement");
                assertThat(set(as(suite, TestKeys.ADMIN), "node2", NodeState.UP, null).getState()).isEqualTo(NodeState.UP);
            }
        }
    }

    private static ComponentClient as(SssTestSuite suite, String key) {
        SssClient wire = suite.clientAs(key);
        return new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint()));
    }

    private static Map<String, NodeStateType> states(ComponentClient client) throws SssException {
        GetNodeState query = new GetNodeState();
        GetNodeState.Node all = new GetNodeState.Node();
        all.setName("*");
        query.getNode().add(all);
        return client.call(NodeStateManager.NAME, query, NodeStates.class).getNodeState().stream()
                .collect(Collectors.toMap(NodeStateType::getName, n -> n, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static NodeStateType set(ComponentClient client, String name, NodeState state, String reason)
            throws SssException {
        SetNodeState request = new SetNodeState();
        request.setName(name);
        request.setState(state);
        request.setReason(reason);
        return client.call(NodeStateManager.NAME, request, NodeStates.class).getNodeState().getFirst();
    }
}
