package org.sss.eventmanager;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.eventmanager.internal.EventLog;
import org.sss.eventmanager.internal.EventOperations;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.EventManagerSettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.wire.Endpoint;
import org.sss.schema.EventOk;

/**
 * The event manager component: a durable log of events (SQLite, WAL, {@code synchronous=FULL}) with a sequence
 * number per event, subscriptions with wildcard filters whose matching events are pushed in order to each
 * subscriber and acknowledged, replay with {@code get-events since="N"}, and retention by count and age
 * (applied at start and every minute). Subscriptions and their positions survive restarts.
 */
public final class EventManager implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "event-manager";
    private static final Logger LOG = LoggerFactory.getLogger(EventManager.class);

    private final ComponentRuntime runtime;
    private final EventLog log;
    private final EventOperations operations;
    private final SssClient pushClient;
    private final ScheduledExecutorService retention;

    private EventManager(ComponentRuntime runtime, EventLog log, EventOperations operations, SssClient pushClient,
                         ScheduledExecutorService retention) {
        this.runtime = runtime;
        this.log = log;
        this.operations = operations;
        this.pushClient = pushClient;
        this.retention = retention;
    }

    /**
     * Opens the log, resumes subscriptions, starts serving and registers.
     *
     * @param config the configuration
     * @return the running event manager
     * @throws IOException if the log cannot be opened or the port bound
     */
    public static EventManager start(SssConfig config) throws IOException {
        EventManagerSettings settings = config.eventManager();
        EventLog log = EventLog.open(settings.database());
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component());
        SssClient pushClient = SssClient.fromConfig(config.presenting(settings.component().keyName()));
        EventOperations operations;
        try {
            operations = new EventOperations(log, (subscriber, events) -> pushClient.callPrepared(subscriber, events,
                    EventOk.class), settings);
        } catch (SQLException e) {
            log.close();
            throw new IOException("cannot read subscriptions from " + settings.database() + ": " + e.getMessage(), e);
        }
        operations.registerOn(runtime.dispatcher());
        runtime.dispatcher().metrics().gauge("sss_event_log_head", "The sequence number of the newest event logged (how many"
                + " events were ever logged).", "log", () -> java.util.Map.of("events", log.head()));
        try {
            runtime.start();
        } catch (IOException e) {
            operations.close();
            log.close();
            throw e;
        }
        ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sss-retention").factory());
        EventManager manager = new EventManager(runtime, log, operations, pushClient, retention);
        retention.scheduleWithFixedDelay(manager::applyRetention, 0, 60, TimeUnit.SECONDS);
        LOG.info("event-manager: log {} holds events up to seq {}", settings.database(), log.head());
        return manager;
    }

    private void applyRetention() {
        EventManagerSettings settings = runtime.config().eventManager();
        try {
            int removed = log.applyRetention(settings.retentionEvents(), settings.retentionAge());
            if (removed > 0) {
                LOG.info("event-manager: retention removed {} old events", removed);
            }
        } catch (SQLException e) {
            LOG.warn("event-manager: retention failed: {}", e.getMessage());
        }
    }

    /** @return where it listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return the runtime */
    public ComponentRuntime runtime() {
        return runtime;
    }

    /** @return the highest sequence number logged */
    public long head() {
        return log.head();
    }

    @Override
    public void close() {
        retention.shutdownNow();
        runtime.close();
        operations.close();
        pushClient.close();
        log.close();
    }
}
