package org.sss.lib.client;

import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.wire.Endpoint;

/**
 * Calls components by name: finds each through the service directory and calls it. When the cached location
 * cannot be reached (the component moved or restarted on another port), it is dropped, looked up again and the
 * call is made once more; a call whose request may already have reached the component is never repeated.
 * Thread-safe.
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
     * @throws SssException the component's error reply, not-found if it is not registered, or a transport failure
     */
    public <R> R call(String component, Object request, Class<R> replyType) throws SssException {
        Endpoint endpoint = directory.locate(component);
        try {
            return client.call(endpoint, request, replyType);
        } catch (TransportException first) {
            directory.invalidate(component);
            client.forget(endpoint);
            if (first.requestSent()) {
                throw first;
            }
            Endpoint again = directory.locate(component);
            return client.call(again, request, replyType);
        }
    }
}
