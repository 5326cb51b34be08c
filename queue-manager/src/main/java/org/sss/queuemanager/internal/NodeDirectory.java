package org.sss.queuemanager.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.schema.GetNodeState;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeStates;

/**
 * The compute nodes' names and features as the node state manager knows them, against which a start's nodes are
 * checked (a start naming a node nobody knows, or a node without the features its job asks for, is a scheduler's
 * mistake, refused before anything is allocated). Learned from the node
 * state manager: asked when a start names a node not seen yet (at most once a second), and told of new nodes by the
 * {@code node-state-changed} events. Thread-safe.
 */
final class NodeDirectory {
    private static final long ASK_AGAIN_NANOS = 1_000_000_000L;
    private final ComponentCalls components;
    /** What a known node offers jobs. */
    private record Offer(Set<String> features, int gpus) {
    }

    /** Each known node's offer. */
    private final Map<String, Offer> known = new HashMap<>();
    private long askedAt = System.nanoTime() - ASK_AGAIN_NANOS;

    /** @param components how to reach the node state manager */
    NodeDirectory(ComponentCalls components) {
        this.components = components;
    }

    /** @param node a node's new state, from its event */
    synchronized void note(NodeStateType node) {
        known.put(node.getName(), new Offer(Words.set(node.getFeatures()), node.getGpus() == null ? 0 : node.getGpus()));
    }

    /**
     * @param nodes    a start's nodes, each known ({@link #check} passed)
     * @param features what each must offer
     * @param gpus     the GPUs each must have
     * @return the first node without them, or null
     */
    synchronized String lacking(List<String> nodes, List<String> features, int gpus) {
        if (features.isEmpty() && gpus == 0) {
            return null;
        }
        for (String node : nodes) {
            Offer offer = known.getOrDefault(node, new Offer(Set.of(), 0));
            if (!offer.features().containsAll(features) || offer.gpus() < gpus) {
                return node;
            }
        }
        return null;
    }

    /**
     * Learns the nodes' features again from the node state manager (at most once a second) when one of a start's
     * nodes seems to lack its job's: a copy that missed an event would otherwise refuse a start the scheduler, which
     * reads them afresh, keeps proposing. Call it outside the job table's lock: it may ask.
     *
     * @param nodes    a start's nodes
     * @param features what its job asks of each
     * @param gpus     the GPUs its job asks of each
     */
    void freshen(List<String> nodes, List<String> features, int gpus) {
        if (lacking(nodes, features, gpus) == null || !mayAsk()) {
            return;
        }
        try {
            ask().forEach(this::note);
        } catch (SssException e) {
            // the start is then checked against what is known
        }
    }

    /**
     * @param nodes a start's nodes
     * @throws SssException {@code bad-value} naming a node the node state manager does not know; its own failure
     *                      (not registered: it is not running) when it must be asked and cannot be
     */
    void check(List<String> nodes) throws SssException {
        String unknown = firstUnknown(nodes);
        if (unknown == null) {
            return;
        }
        if (mayAsk()) {
            List<NodeStateType> all = ask();
            synchronized (this) {
                all.forEach(this::note);
            }
            unknown = firstUnknown(nodes);
            if (unknown == null) {
                return;
            }
        }
        throw SssException.badValue("unknown node " + unknown + ": the node state manager does not know it");
    }

    private synchronized String firstUnknown(List<String> nodes) {
        for (String node : nodes) {
            if (!known.containsKey(node)) {
                return node;
            }
        }
        return null;
    }

    private synchronized boolean mayAsk() {
        long now = System.nanoTime();
        if (now - askedAt < ASK_AGAIN_NANOS) {
            return false;
        }
        askedAt = now;
        return true;
    }

    /**
     * @return every node the node state manager knows, with its state, asked now
     * @throws SssException its failure when it cannot be asked
     */
    List<NodeStateType> states() throws SssException {
        List<NodeStateType> all = ask();
        synchronized (this) {
            all.forEach(this::note);
        }
        return all;
    }

    private List<NodeStateType> ask() throws SssException {
        GetNodeState query = new GetNodeState();
        GetNodeState.Node any = new GetNodeState.Node();
        any.setName("*");
        query.getNode().add(any);
        return components.call("node-state-manager", query, NodeStates.class).getNodeState();
    }
}
