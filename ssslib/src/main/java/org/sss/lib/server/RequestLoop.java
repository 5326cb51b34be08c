package org.sss.lib.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.wire.FrameException;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;

/**
 * Serves framed request/reply pairs on one connection once its caller is known, for every wire: read a frame,
 * hand it to the {@link MessageHandler}, write the reply, until the peer closes, the server stops or a frame is
 * malformed (which gets an error reply, then the connection ends). Shared by the servers; stateless per call.
 */
final class RequestLoop {
    /** What a wire does around each request besides reading and writing (deadlines without socket timeouts). */
    interface Pacing {
        /** Nothing to do: socket read timeouts cover the reads. */
        Pacing NONE = new Pacing() {
            @Override
            public void handling() {
            }

            @Override
            public void replying() {
            }
        };

        /** A request has been read and is about to be handled. */
        void handling();

        /**
         * A reply is about to be written.
         *
         * @throws IOException if the connection is already lost
         */
        void replying() throws IOException;

        /** The reply is written (the next request is awaited under the reader's own timeouts). */
        default void replied() {
        }
    }

    private final Logger log;
    private final String component;
    private final MessageHandler handler;
    private final FrameWriter writer;
    private final int maxBytes;
    private final BooleanSupplier stopping;
    private final AtomicLong served = new AtomicLong();

    /**
     * @param log       the server's logger
     * @param component the component's name, for logs
     * @param handler   what answers requests
     * @param maxBytes  largest reply sent
     * @param stopping  true once the server is closing: no new request is read
     */
    RequestLoop(Logger log, String component, MessageHandler handler, int maxBytes, BooleanSupplier stopping) {
        this.log = log;
        this.component = component;
        this.handler = handler;
        this.writer = new FrameWriter(maxBytes);
        this.maxBytes = maxBytes;
        this.stopping = stopping;
    }

    /**
     * Serves until the connection should end.
     *
     * @param reader  the connection's frames
     * @param out     the connection's (buffered) output
     * @param state   the connection's state, idle while waiting for a request
     * @param context who is calling
     * @param pacing  what the wire does around each request
     * @throws IOException if the connection fails or times out
     */
    void serve(FrameReader reader, OutputStream out, ConnectionState state, RequestContext context, Pacing pacing)
            throws IOException {
        while (!stopping.getAsBoolean() && state.awaitRequest()) {
            byte[] request;
            try {
                request = reader.read();
            } catch (FrameException e) {
                log.warn("{}: bad frame from {}: {}", component, context.peer(), e.getMessage());
                if (state.startRequest()) {
                    pacing.replying();
                    writer.write(out, handler.errorReply(e.code(), e.getMessage()));
                }
                return;
            }
            if (request == null || !state.startRequest()) {
                return;
            }
            pacing.handling();
            byte[] reply = handler.handle(request, context);
            if (reply.length > maxBytes) {
                log.warn("{}: a reply to {} of {} bytes is over the maximum message of {}; sent an error instead",
                        component, context.peer(), reply.length, maxBytes);
                reply = handler.errorReply(ErrorCode.MESSAGE_TOO_LARGE, "the reply (" + reply.length
                        + " bytes) is larger than the maximum message of " + maxBytes + " bytes: ask for less");
            }
            served.incrementAndGet();
            pacing.replying();
            writer.write(out, reply);
            pacing.replied();
        }
    }

    /** @return requests served since start */
    long served() {
        return served.get();
    }
}
