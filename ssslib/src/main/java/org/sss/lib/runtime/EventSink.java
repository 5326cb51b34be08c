package org.sss.lib.runtime;

/** Where a component's events go: the {@link EventPublisher} in production, a recorder in unit tests. */
@FunctionalInterface
public interface EventSink {
    /**
     * Hands an event over for publication without blocking.
     *
     * @param component the component the event is about
     * @param msg       what happened
     * @param data      details, may be {@code null}
     */
    void publish(String component, String msg, String data);

    /** Hints that the event manager may have become reachable, so queued events can go now. */
    default void wake() {
    }
}
