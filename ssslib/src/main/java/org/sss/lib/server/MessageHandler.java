package org.sss.lib.server;

import org.sss.lib.error.ErrorCode;

/**
 * Turns request bytes into reply bytes; what a transport (the challenge wire, HTTP, an in-memory test
 * connector) calls for each message. Implementations never throw: every failure becomes an error reply.
 */
public interface MessageHandler {
    /**
     * @param payload the request as received
     * @param context who sent it
     * @return the reply to send
     */
    byte[] handle(byte[] payload, RequestContext context);

    /**
     * @param code    the failure
     * @param message one line for the caller
     * @return an {@code <error>} reply, for failures found by the transport itself (bad frames)
     */
    byte[] errorReply(ErrorCode code, String message);
}
