package org.sss.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.schema.EventType;
import org.sss.schema.FilterType;

/**
 * A subscriber for tests: a small component (registered as {@code NAME}) that subscribes to the event manager
 * and records every event pushed to it, in arrival order.
 */
public final class RecordingSubscriber implements AutoCloseable {
    private final ComponentRuntime runtime;
    private final List<EventType> received = new CopyOnWriteArrayList<>();

    private RecordingSubscriber(ComponentRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Starts and subscribes (the subscription is retried with each lease renewal until the event manager
     * accepts it).
     *
     * @param config  the suite's configuration
     * @param name    the subscriber's name
     * @param since   deliver events after this sequence number, or {@code null} for new ones only
     * @param filters what to receive; none means everything
     * @return the running subscriber
     */
    public static RecordingSubscriber start(SssConfig config, String name, Long since, FilterType... filters) {
        ComponentSettings settings = new ComponentSettings("127.0.0.1", "127.0.0.1", 0,
                config.security().keys().clientKey().name(), "info");
        ComponentRuntime runtime = ComponentRuntime.create(name, config, settings);
        RecordingSubscriber subscriber = new RecordingSubscriber(runtime);
        try {
            runtime.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runtime.subscriptions().subscribe(name, List.of(filters), since, subscriber.received::add);
        return subscriber;
    }

    /** @return the events received so far, in order */
    public List<EventType> events() {
        return List.copyOf(received);
    }

    /** @return the runtime (to check registration) */
    public ComponentRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
