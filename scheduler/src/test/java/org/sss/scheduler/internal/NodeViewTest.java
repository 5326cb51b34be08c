package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.error.SssException;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;

/** How the node view keeps up with the node state manager's events, before, during and after a full read. */
class NodeViewTest {
    private static final Instant T1 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-06T10:00:05Z");

    private static NodeStateType node(String name, NodeState state, Instant since) {
        NodeStateType node = new NodeStateType();
        node.setName(name);
        node.setState(state);
        node.setSlots(2);
        node.setSince(since);
        return node;
    }

    @Test
    void aNodesChangeThatComesDuringAFullReadIsKeptAndAnOlderOneIsNot() throws SssException {
        NodeView view = new NodeView();
        InMemoryComponents components = new InMemoryComponents();
        components.stub(SchedulingPass.NODE_STATE_MANAGER).register("get-node-state", GetNodeState.class,
                (request, context) -> {
                    view.note(node("node2", NodeState.UP, T2));
                    view.note(node("node1", NodeState.DOWN, T1));
                    NodeStates snapshot = new NodeStates();
                    snapshot.getNodeState().add(node("node1", NodeState.UP, T2));
                    snapshot.getNodeState().add(node("node2", NodeState.DOWN, T1));
                    return snapshot;
                });
        assertThat(view.read(components, true)).extracting(PlanNode::name, PlanNode::usable).containsExactly(
                org.assertj.core.groups.Tuple.tuple("node1", true), org.assertj.core.groups.Tuple.tuple("node2", true));
        view.note(node("node2", NodeState.DOWN, T1));
        assertThat(view.read(components, false)).as("an event older than the copy's state").extracting(PlanNode::usable)
                .containsExactly(true, true);
    }

    /**
     * Two full reads at once (a pass's, and a reservation's by count): the one that began later sees the newer state,
     * and must not be replaced by the earlier one's older snapshot, which takes longer to come. Reads take turns.
     */
    @Test
    void aFullReadThatBeganEarlierAndEndsLaterDoesNotReplaceANewerOne() throws Exception {
        NodeView view = new NodeView();
        InMemoryComponents components = new InMemoryComponents();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Thread> second = new java.util.concurrent.atomic.AtomicReference<>();
        components.stub(SchedulingPass.NODE_STATE_MANAGER).register("get-node-state", GetNodeState.class,
                (request, context) -> {
                    NodeStates snapshot = new NodeStates();
                    if (calls.incrementAndGet() == 1) {
                        // The older snapshot: it comes only once the second read has ended or waits its turn.
                        Thread other = Thread.ofPlatform().start(() -> {
                            try {
                                view.read(components, true);
                            } catch (SssException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        second.set(other);
                        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                                other.getState() == Thread.State.BLOCKED || other.getState() == Thread.State.TERMINATED);
                        snapshot.getNodeState().add(node("node1", NodeState.UP, T1));
                    } else {
                        snapshot.getNodeState().add(node("node1", NodeState.DOWN, T2));
                    }
                    return snapshot;
                });
        view.read(components, true);
        second.get().join(10_000);
        assertThat(view.read(components, false)).as("the newer snapshot's state")
                .extracting(PlanNode::name, PlanNode::usable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node1", false));
    }
}
