package org.sss.lib.runtime;

import org.sss.schema.EventType;

/**
 * Receives pushed events of a subscription, in sequence order. Delivery is at least once: an event whose
 * delivery failed (the listener threw, or the acknowledgement was lost) is pushed again, and the runtime drops
 * events it has already passed on in this process.
 */
@FunctionalInterface
public interface EventListener {
    /**
     * @param event the event, with its sequence number
     * @throws RuntimeException to refuse the push; the event manager retries it later
     */
    void onEvent(EventType event);

    /**
     * Receives the new events of one push together, in sequence order (a listener that records them may do so in one
     * transaction); by default each goes to {@link #onEvent}. Either all of them are taken in, or the method throws
     * and the push is retried (a listener sees again those it had already taken in).
     *
     * @param events the events, each with its sequence number
     * @throws RuntimeException to refuse the push; the event manager retries it later
     */
    default void onEvents(java.util.List<EventType> events) {
        events.forEach(this::onEvent);
    }
}
