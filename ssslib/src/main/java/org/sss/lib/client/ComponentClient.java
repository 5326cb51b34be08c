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
public final class ComponentClient {
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
    public <R> R call(String component, Object request, Class<R> replyType) throws SssException {
        try {
            return callAny(component, directory.locateAll(component), request, replyType);
        } catch (TransportException unreachable) {
            if (unreachable.requestSent()) {
                throw unreachable;
            }
            directory.invalidate(component);
            return callAny(component, directory.locateAll(component), request, replyType);
        }
    }

    private <R> R callAny(String component, List<Endpoint> endpoints, Object request, Class<R> replyType)
            throws SssException {
        TransportException last = null;
        for (Endpoint endpoint : endpoints) {
            try {
                R reply = client.call(endpoint, request, replyType);
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
