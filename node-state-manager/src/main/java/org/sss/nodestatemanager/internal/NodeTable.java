package org.sss.nodestatemanager.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.runtime.Events;
import org.sss.lib.store.Outbox;
import org.sss.mpd.client.RingMember;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.schema.NodeStateType;

/**
 * The nodes and their states in memory. A node is down while its mpd is not in the ring (whatever an administrator
 * set), else in its administrative state (drained, offline) when it has one, else up. Nodes are the configured ones
 * and any ring member the configuration does not name (listed with one slot). Thread-safe; the service persists an
 * administrative change before it applies it here.
 */
public final class NodeTable {
    private static final String NOT_IN_RING = "its mpd is not in the ring";
    private final Map<String, Entry> nodes = new LinkedHashMap<>();
    private final Map<String, AdminState> admin = new LinkedHashMap<>();
    private String ringProblem = "the ring has not been read yet";

    /**
     * An administrator's state for a node.
     *
     * @param state  drained or offline
     * @param reason why
     * @param since  when it was set
     */
    public record AdminState(NodeState state, String reason, Instant since) {
    }

    /**
     * A node as queries see it.
     *
     * @param name       its name
     * @param slots      its slots
     * @param features   its features
     * @param gpus       its GPUs
     * @param state      its state
     * @param reason     why it is not up, or empty
     * @param since      when it entered the state
     * @param configured whether the configuration lists it
     */
    public record View(String name, int slots, Set<String> features, int gpus, NodeState state, String reason,
                       Instant since, boolean configured) {
        /** @return the node as replies and events carry it */
        public NodeStateType toXml() {
            NodeStateType type = new NodeStateType();
            type.setName(name);
            type.setSlots(slots);
            type.setFeatures(features.isEmpty() ? null : String.join(" ", features.stream().sorted().toList()));
            type.setGpus(gpus > 0 ? gpus : null);
            type.setState(org.sss.schema.NodeState.fromValue(state.xmlName()));
            type.setReason(reason.isEmpty() ? null : reason);
            type.setSince(since);
            type.setConfigured(configured);
            return type;
        }
    }

    private static final class Entry {
        final ClusterNodes.Node node;
        final boolean configured;
        boolean inRing;
        NodeState state = NodeState.DOWN;
        String reason = "";
        Instant since;
        /** Its last change was not stored (the store failed): the next settling announces it again. */
        boolean unannounced;

        Entry(ClusterNodes.Node node, boolean configured, Instant now) {
            this.node = node;
            this.configured = configured;
            this.since = now;
        }
    }

    /**
     * @param configured the configured nodes
     * @param adminStates the stored administrative states
     * @param now         the time
     */
    public NodeTable(List<ClusterNodes.Node> configured, Map<String, AdminState> adminStates, Instant now) {
        for (ClusterNodes.Node node : configured) {
            Entry entry = new Entry(node, true, now);
            entry.reason = ringProblem;
            nodes.put(node.name(), entry);
        }
        admin.putAll(adminStates);
    }

    /**
     * Takes in the ring's membership. A member is the node named by its mpd id, else the node named by its host name;
     * a member that names no node the table knows is listed under its id as a node the configuration does not name
     * (one machine is never two nodes, whatever its id and host name).
     *
     * @param members the ring's members, or null when no mpd could be reached
     * @param problem why the ring could not be read (when members is null)
     * @param now     the time
     * @return the events for the nodes whose state changed
     */
    public synchronized List<Outbox.Event> ringSeen(List<RingMember> members, String problem, Instant now) {
        ringProblem = members == null ? problem : "";
        Set<String> present = new HashSet<>();
        if (members != null) {
            for (RingMember member : members) {
                String name = nodes.containsKey(member.id()) || !nodes.containsKey(member.host()) ? member.id() : member.host();
                nodes.computeIfAbsent(name, absent -> new Entry(new ClusterNodes.Node(absent, 1, Set.of()), false, now));
                present.add(name);
            }
        }
        List<Outbox.Event> events = new ArrayList<>();
        for (Entry entry : nodes.values()) {
            entry.inRing = present.contains(entry.node.name());
            settle(entry, now, events);
        }
        return events;
    }

    /**
     * The changes {@link #ringSeen} returned could not be stored: their nodes are announced again at the next
     * reading, whatever it sees (else the change, already in the table, would never reach the log).
     *
     * @param changes the events that were not stored
     */
    public synchronized void notAnnounced(List<Outbox.Event> changes) {
        for (Outbox.Event change : changes) {
            if (change.event().getNode() != null) {
                Entry entry = nodes.get(change.event().getNode().getName());
                if (entry != null) {
                    entry.unannounced = true;
                }
            }
        }
    }

    /**
     * @param name a node
     * @return whether the table knows it
     */
    public synchronized boolean knows(String name) {
        return nodes.containsKey(name);
    }

    /**
     * Applies an administrator's state (already stored).
     *
     * @param name  the node
     * @param state the new administrative state, or null to clear it
     * @param now   the time
     * @return the events of the change
     */
    public synchronized List<Outbox.Event> setAdmin(String name, AdminState state, Instant now) {
        if (state == null) {
            admin.remove(name);
        } else {
            admin.put(name, state);
        }
        List<Outbox.Event> events = new ArrayList<>();
        Entry entry = nodes.get(name);
        if (entry != null) {
            settle(entry, now, events);
        }
        return events;
    }

    /**
     * What a change would announce, without applying it (so that the events can be stored with it first).
     *
     * @param name  the node
     * @param state the new administrative state, or null to clear it
     * @param now   the time
     * @return the events the change would cause
     */
    public synchronized List<Outbox.Event> eventsIf(String name, AdminState state, Instant now) {
        Entry entry = nodes.get(name);
        if (entry == null) {
            return List.of();
        }
        NodeState before = entry.state;
        String reasonBefore = entry.reason;
        NodeState after = effective(entry, state);
        String reason = reasonOf(entry, state);
        if (after == before && reason.equals(reasonBefore)) {
            return List.of();
        }
        View changed = new View(entry.node.name(), entry.node.slots(), entry.node.features(), entry.node.gpus(), after,
                reason,
                after == before ? entry.since : now, entry.configured);
        return List.of(new Outbox.Event(Events.node(NodeStateManager.NAME, changed.toXml())));
    }

    /** @return every node, configured ones first in the file's order */
    public synchronized List<View> all() {
        List<View> views = new ArrayList<>(nodes.size());
        for (Entry entry : nodes.values()) {
            views.add(view(entry));
        }
        return views;
    }

    private void settle(Entry entry, Instant now, List<Outbox.Event> events) {
        AdminState set = admin.get(entry.node.name());
        NodeState state = effective(entry, set);
        String reason = reasonOf(entry, set);
        if (state != entry.state || !reason.equals(entry.reason) || entry.unannounced) {
            if (state != entry.state) {
                entry.since = now;
            }
            entry.state = state;
            entry.reason = reason;
            entry.unannounced = false;
            events.add(new Outbox.Event(Events.node(NodeStateManager.NAME, view(entry).toXml())));
        }
    }

    private static NodeState effective(Entry entry, AdminState set) {
        if (!entry.inRing) {
            return NodeState.DOWN;
        }
        return set == null ? NodeState.UP : set.state();
    }

    private String reasonOf(Entry entry, AdminState set) {
        if (!entry.inRing) {
            return ringProblem.isEmpty() ? NOT_IN_RING : ringProblem;
        }
        return set == null ? "" : set.reason();
    }

    private static View view(Entry entry) {
        return new View(entry.node.name(), entry.node.slots(), entry.node.features(), entry.node.gpus(),
                entry.state, entry.reason,
                entry.since, entry.configured);
    }
}
