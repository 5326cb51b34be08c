package org.sss.lib.server;

import org.sss.lib.error.SssException;

/**
 * Serves one operation: the messages with one root element.
 *
 * @param <Q> the generated class of the request's root element (or of its value, for elements of a named type)
 */
@FunctionalInterface
public interface OperationHandler<Q> {
    /**
     * @param request the decoded, schema-valid request
     * @param context who asks, from where
     * @return the reply: a generated root object or a {@link jakarta.xml.bind.JAXBElement}; it is validated
     *         before it is sent
     * @throws SssException to answer with {@code <error>}; its code and message go to the caller
     */
    Object handle(Q request, RequestContext context) throws SssException;
}
