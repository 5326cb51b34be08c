package org.sss.lib.runtime;

import org.sss.schema.EventType;

/** Where a component's events go: the {@link EventPublisher} in production, a recorder in unit tests. */
@FunctionalInterface
public interface EventSink {
    /**
     * Hands an event over for publication without blocking.
     *
     * @param event the event, typed (built with {@link Events})
     */
    void publish(EventType event);

    /** Hints that the event manager may have become reachable, so queued events can go now. */
    default void wake() {
    }
}
