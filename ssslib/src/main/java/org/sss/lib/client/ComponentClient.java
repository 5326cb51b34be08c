package org.sss.lib.client;

import java.util.List;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.wire.Endpoint;

/**
 * Calls components by name: finds each through the service directory and calls it. A component may be listed
 * more than once (restarted on another port before its old lease expired): its endpoints are tried newest first
 * until one accepts the connection. When none can be reached the cached list is dropped, looked up again and
 * tried once more. A call whose request may already have reached a component is never repeated. Thread-safe.
 */
public final class ComponentClient implements ComponentCalls {
    private final SssClient client;
    private final DirectoryClient directory;

    /**
     * @param client    the wire client
     * @param directory the directory client used for lookups
     */
    public ComponentClient(SssClient client, DirectoryClient directory) {
        this.client = client;
        this.directory = directory;
    }

    /** @return the directory client */
    public DirectoryClient directory() {
        return directory;
    }

    /** @return the wire client */
    public SssClient wire() {
        return client;
    }

    /**
     * @param component the component's name, e.g. {@code event-manager}
     * @param request   a generated root object or JAXBElement
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws SssException the component's error reply, not-registered if it is not registered, or a transport failure
     */
    @Override
    public <R> R call(String component, Object request, Class<R> replyType) throws SssException {
        return reach(component, endpoint -> client.call(endpoint, request, replyType));
    }

    /**
     * Like {@link #call}, for a message made of parts each validated when it was made
     * ({@link SssClient#callPrepared}).
     *
     * @param component the component's name
     * @param request   the message's bytes
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws SssException the component's error reply, not-registered if it is not registered, or a transport failure
     */
    @Override
    public <R> R callPrepared(String component, byte[] request, Class<R> replyType) throws SssException {
        return reach(component, endpoint -> client.callPrepared(endpoint, request, replyType));
    }

    /** One exchange with a component at one of its endpoints. */
    @FunctionalInterface
    private interface Exchange<R> {
        R with(Endpoint endpoint) throws SssException;
    }

    private <R> R reach(String component, Exchange<R> exchange) throws SssException {
        try {
            return callAny(component, directory.locateAll(component), exchange);
        } catch (TransportException unreachable) {
            if (unreachable.requestSent()) {
                throw unreachable;
            }
            directory.invalidate(component);
            return callAny(component, directory.locateAll(component), exchange);
        }
    }

    private <R> R callAny(String component, List<Endpoint> endpoints, Exchange<R> exchange) throws SssException {
        TransportException last = null;
        for (Endpoint endpoint : endpoints) {
            try {
                R reply = exchange.with(endpoint);
                directory.prefer(component, endpoint);
                return reply;
            } catch (TransportException e) {
                client.forget(endpoint);
                if (e.requestSent()) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
