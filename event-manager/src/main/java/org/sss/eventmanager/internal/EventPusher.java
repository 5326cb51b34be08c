package org.sss.eventmanager.internal;

import org.sss.lib.error.SssException;
import org.sss.lib.wire.Endpoint;

/**
 * Hands a push of events to a subscriber and returns once the subscriber has acknowledged it: over the challenge wire
 * in the event manager, in memory in unit tests.
 */
@FunctionalInterface
public interface EventPusher {
    /**
     * @param subscriber where the subscriber listens
     * @param events     the {@code <events subscriber=… next=…>} message, ready to send
     * @throws SssException if the subscriber refused the push or could not be reached
     */
    void push(Endpoint subscriber, byte[] events) throws SssException;
}
