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
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.schema.EventOk;

/**
 * The event manager component: a durable log of events (SQLite, WAL, {@code synchronous=FULL}) with a sequence
 * number per event, subscriptions with wildcard filters whose matching events are pushed in order to each
 * subscriber and acknowledged, replay with {@code get-events since="N"}, and retention by count and age
 * (applied at start and every minute). Subscriptions and their positions survive restarts.
 */
public final class EventManager extends Component {
    /** The component's name. */
    public static final String NAME = "event-manager";
    private static final Logger LOG = LoggerFactory.getLogger(EventManager.class);
    private final EventLog log;

    private EventManager(EventLog log) {
        this.log = log;
    }

    /**
     * Opens the log, resumes subscriptions, starts serving and registers, then applies retention at once and every
     * minute.
     *
     * @param config the configuration
     * @return the running event manager
     * @throws IOException if the log cannot be opened or the port bound
     */
    public static EventManager start(SssConfig config) throws IOException {
        EventManagerSettings settings = config.eventManager();
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        EventLog log = launch.open(runtime -> EventLog.open(settings.database()));
        SssClient pushClient = launch.open(runtime -> SssClient.fromConfig(config.presenting(settings.component().keyName())));
        EventOperations operations = launch.open(runtime -> {
            try {
                return new EventOperations(log, (subscriber, events) -> pushClient.callPrepared(subscriber, events,
                        EventOk.class), settings);
            } catch (SQLException e) {
                throw new IOException("cannot read subscriptions from " + settings.database() + ": " + e.getMessage(), e);
            }
        });
        operations.registerOn(launch.runtime().dispatcher());
        launch.runtime().dispatcher().metrics().gauge("sss_event_log_head", "The sequence number of the newest event logged"
                + " (how many events were ever logged).", "log", () -> java.util.Map.of("events", log.head()));
        EventManager manager = launch.serve(new EventManager(log), () -> "log " + settings.database()
                + " holds events up to seq " + log.head());
        launch.front(runtime -> retention(log, settings));
        return manager;
    }

    /** Applies retention at once, then every minute, until the returned stop is closed. */
    private static AutoCloseable retention(EventLog log, EventManagerSettings settings) {
        ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sss-retention").factory());
        retention.scheduleWithFixedDelay(() -> applyRetention(log, settings), 0, 60, TimeUnit.SECONDS);
        return retention::shutdownNow;
    }

    private static void applyRetention(EventLog log, EventManagerSettings settings) {
        try {
            EventLog.Retention retention = log.applyRetention(settings.retentionEvents(), settings.retentionAge());
            if (retention.removed() > 0) {
                LOG.info("event-manager: retention removed {} old events, up to {}", retention.removed(),
                        retention.upTo());
            }
            if (!retention.behind().isEmpty()) {
                LOG.warn("event-manager: retention removed events up to {} that {} had not acknowledged; they will not"
                        + " get them (raise retention-events or retention-age, or see why they lag)", retention.upTo(),
                        String.join(", ", retention.behind()));
            }
        } catch (SQLException e) {
            LOG.warn("event-manager: retention failed: {}", e.getMessage());
        }
    }

    /** @return the highest sequence number logged */
    public long head() {
        return log.head();
    }
}
