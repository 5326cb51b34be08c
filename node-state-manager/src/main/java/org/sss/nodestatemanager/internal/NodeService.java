package org.sss.nodestatemanager.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Events;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.store.Outbox;
import org.sss.mpd.client.RingWatcher;
import org.sss.nodestatemanager.NodeStateManagerSettings;

/**
 * The node state manager's work: reads the ring every poll interval and turns what it sees into node states, takes
 * administrators' states (stored, with their event, before they are answered), and sends the
 * {@code node-state-changed} events. Thread-safe.
 */
public final class NodeService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeService.class);
    private final NodeStore store;
    private final NodeTable table;
    private final RingReader ring;
    private volatile int ringSize;
    private final OutboxSender events;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("nsm-ring").factory());
    private final Object adminLock = new Object();

    private NodeService(NodeStore store, NodeTable table, RingReader ring, OutboxSender events) {
        this.store = store;
        this.table = table;
        this.ring = ring;
        this.events = events;
    }

    /**
     * Opens the store, reads the ring once, and starts watching it.
     *
     * @param settings   the settings
     * @param components how to reach the event manager
     * @return the service
     * @throws IOException if the store cannot be opened
     */
    public static NodeService start(NodeStateManagerSettings settings, ComponentCalls components) throws IOException {
        return start(settings, RingReader.of(new RingWatcher(settings.mpds(), settings.ringSecret())), components);
    }

    /**
     * As {@link #start(NodeStateManagerSettings, ComponentCalls)}, reading a given ring.
     *
     * @param settings   the settings (its mpds are not used)
     * @param ring       where the ring's membership is read
     * @param components how to reach the event manager
     * @return the service
     * @throws IOException if the store cannot be opened
     */
    static NodeService start(NodeStateManagerSettings settings, RingReader ring, ComponentCalls components)
            throws IOException {
        NodeStore store;
        try {
            store = NodeStore.open(settings.database());
        } catch (IOException e) {
            ring.close();
            throw e;
        }
        NodeTable table;
        try {
            table = new NodeTable(settings.nodes(), store.loadAdminStates(), Instant.now());
        } catch (SQLException e) {
            store.close();
            ring.close();
            throw new IOException("cannot read " + settings.database() + ": " + e.getMessage(), e);
        }
        NodeService service = new NodeService(store, table, ring,
                new OutboxSender(store.outbox(), components, "node-state-manager"));
        service.poll();
        long millis = settings.pollInterval().toMillis();
        service.poller.scheduleWithFixedDelay(service::poll, millis, millis, TimeUnit.MILLISECONDS);
        service.events.wake();
        return service;
    }

    private void poll() {
        try {
            RingWatcher.Reading reading = ring.read();
            ringSize = reading.members() == null ? 0 : reading.members().size();
            List<Outbox.Event> changes;
            synchronized (adminLock) {
                // Stored under the lock an administrator's change is stored under: the log's order is the table's.
                changes = table.ringSeen(reading.members(), reading.problem(), Instant.now());
                if (!changes.isEmpty()) {
                    try {
                        store.announce(changes);
                    } catch (SQLException | RuntimeException e) {
                        table.notAnnounced(changes);
                        throw e;
                    }
                }
            }
            for (Outbox.Event change : changes) {
                LOG.info("node-state-manager: {}", Events.describe(change.event()));
            }
            if (!changes.isEmpty()) {
                events.wake();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("node-state-manager: reading the ring failed: {}", e.getMessage());
        }
    }

    /** @return how many mpds the ring had at the last reading (0 when no mpd answered) */
    public int ringSize() {
        return ringSize;
    }

    /** @return every node and its state */
    public List<NodeTable.View> nodes() {
        return table.all();
    }

    /**
     * Sets or clears a node's administrative state: stored with its event before it takes effect.
     *
     * @param name   the node
     * @param state  drained or offline, or up to clear the administrative state
     * @param reason why (for drained and offline)
     * @param by     who, for the default reason and the log
     * @return the node afterwards
     * @throws SssException {@code not-found} for an unknown node, {@code bad-value} for down, {@code unavailable}
     *                      if it cannot be stored
     */
    public NodeTable.View set(String name, NodeState state, String reason, String by) throws SssException {
        if (state == NodeState.DOWN) {
            throw SssException.badValue("state down is the ring's to say; set drained or offline");
        }
        synchronized (adminLock) {
            if (!table.knows(name)) {
                throw SssException.notFound("no node " + name);
            }
            Instant now = Instant.now();
            NodeTable.AdminState admin = state == NodeState.UP ? null
                    : new NodeTable.AdminState(state, reason == null || reason.isBlank() ? "set " + state.xmlName()
                            + " by " + by : reason.strip(), now);
            try {
                store.setAdminState(name, admin, table.eventsIf(name, admin, now));
            } catch (SQLException e) {
                throw new SssException(ErrorCode.UNAVAILABLE, "the state could not be stored: " + e.getMessage(), e);
            }
            table.setAdmin(name, admin, now);
        }
        LOG.info("node-state-manager: node {} set {} by {}{}", name, state.xmlName(), by,
                reason == null || reason.isBlank() ? "" : ": " + reason.strip());
        events.wake();
        return table.all().stream().filter(view -> view.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ring.close();
        events.close();
        store.close();
    }
}
