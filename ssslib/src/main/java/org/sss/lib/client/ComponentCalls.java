package org.sss.lib.client;

import org.sss.lib.error.SssException;

/**
 * Calls other components by name: what a component's logic needs of {@link ComponentClient}, which finds them
 * through the service directory and calls them over the wire. Unit tests substitute an implementation that hands
 * each message to a component's dispatcher in memory, so a component's operations can be tested without sockets.
 */
public interface ComponentCalls {
    /**
     * @param component the component's name, e.g. {@code event-manager}
     * @param request   a generated root object or JAXBElement
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws SssException the component's error reply, not-registered if it is not registered, or a transport failure
     */
    <R> R call(String component, Object request, Class<R> replyType) throws SssException;

    /**
     * Like {@link #call}, for a message made of parts each validated when it was made.
     *
     * @param component the component's name
     * @param request   the message's bytes
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws SssException the component's error reply, not-registered if it is not registered, or a transport failure
     */
    <R> R callPrepared(String component, byte[] request, Class<R> replyType) throws SssException;
}
