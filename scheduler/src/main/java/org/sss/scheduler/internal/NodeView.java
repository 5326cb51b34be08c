package org.sss.scheduler.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;

/**
 * The scheduler's copy of the node states: read whole from the node state manager ({@code get-node-state}) when asked
 * (the periodic pass) or when it may be wrong, and kept current between reads by the {@code node-state-changed}
 * events, which carry each node's new state (one older than the copy's, by its {@code since}, changes nothing). Events
 * noted while a full read is on its way are applied again after it. Events are noted from any thread; reads happen on
 * the pass's thread.
 */
final class NodeView {
    private static final Logger LOG = LoggerFactory.getLogger(NodeView.class);
    private final Map<String, NodeStateType> nodes = new LinkedHashMap<>();
    private boolean stale = true;
    /** Whether a full read is on its way: the states events bring meanwhile are applied again after it. */
    private boolean reading;
    private final List<NodeStateType> arrivedWhileReading = new ArrayList<>();

    /** @param node a node's new state, from its event */
    synchronized void note(NodeStateType node) {
        if (reading) {
            arrivedWhileReading.add(node);
        }
        if (stale) {
            return;
        }
        take(node);
    }

    /** Takes a node's state unless the copy's is newer (its {@code since} later). */
    private void take(NodeStateType node) {
        NodeStateType held = nodes.get(node.getName());
        if (held != null && held.getSince() != null && node.getSince() != null
                && held.getSince().isAfter(node.getSince())) {
            return;
        }
        NodeStateType before = nodes.put(node.getName(), node);
        if (LOG.isDebugEnabled() && before != null && before.getState() != node.getState()) {
            LOG.debug("scheduler: node {} is {}: the next pass {} it", node.getName(), node.getState().value(),
                    node.getState() == NodeState.UP ? "may use" : "avoids");
        }
    }

    /** Makes the next read a full one. */
    synchronized void invalidate() {
        stale = true;
    }

    /** Held through a full read, so that two never overlap. */
    private final Object fullReads = new Object();

    /**
     * @param components how to reach the node state manager
     * @param full       whether to read every node from it
     * @return every node it knows, in its order; usable when up
     * @throws SssException if it cannot be asked (the next read is then a full one)
     */
    List<PlanNode> read(ComponentCalls components, boolean full) throws SssException {
        boolean whole;
        synchronized (this) {
            whole = full || stale;
        }
        if (whole) {
            synchronized (fullReads) {
                readWhole(components);
            }
        }
        synchronized (this) {
            List<PlanNode> planned = new ArrayList<>(nodes.size());
            for (NodeStateType node : nodes.values()) {
                planned.add(new PlanNode(node.getName(), node.getSlots() == null ? 1 : node.getSlots(),
                        node.getState() == NodeState.UP, Words.set(node.getFeatures()), node.getGpus() == null ? 0 : node.getGpus()));
            }
            return planned;
        }
    }

    private static List<NodeStateType> readAll(ComponentCalls components) throws SssException {
        GetNodeState query = new GetNodeState();
        GetNodeState.Node any = new GetNodeState.Node();
        any.setName("*");
        query.getNode().add(any);
        return components.call(SchedulingPass.NODE_STATE_MANAGER, query, NodeStates.class).getNodeState();
    }

    /**
     * A full read: one at a time (a reservation's count may ask for one while a pass does), since a read that began
     * earlier but ended later would replace the copy with an older snapshot and lose the events between the two.
     */
    private void readWhole(ComponentCalls components) throws SssException {
        synchronized (this) {
            reading = true;
            arrivedWhileReading.clear();
        }
        List<NodeStateType> all;
        try {
            all = readAll(components);
        } catch (SssException e) {
            invalidate();
            throw e;
        } finally {
            synchronized (this) {
                reading = false;
            }
        }
        synchronized (this) {
            nodes.clear();
            all.forEach(node -> nodes.put(node.getName(), node));
            stale = false;
            List<NodeStateType> newer = List.copyOf(arrivedWhileReading);
            arrivedWhileReading.clear();
            newer.forEach(this::take);
        }
    }
}
