package org.sss.lib.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.sss.lib.error.ErrorCode;

/**
 * Writes SSSlib frames: {@code <decimal byte count><space><payload>}, flushed as one message. Stateless and
 * thread-safe, but a connection's writes must not interleave.
 */
public final class FrameWriter {
    private final int maxBytes;

    /** @param maxBytes the largest payload that may be sent */
    public FrameWriter(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @param out     the connection's (buffered) output
     * @param payload the message
     * @throws FrameException if the payload is empty or larger than the maximum
     * @throws IOException    if the connection fails
     */
    public void write(OutputStream out, byte[] payload) throws IOException {
        append(out, payload);
        out.flush();
    }

    /**
     * Writes a frame without flushing, so several frames can leave in one write; the caller flushes.
     *
     * @param out     the connection's (buffered) output
     * @param payload the message
     * @throws FrameException if the payload is empty or larger than the maximum
     * @throws IOException    if the connection fails
     */
    public void append(OutputStream out, byte[] payload) throws IOException {
        if (payload.length == 0) {
            throw new FrameException(ErrorCode.BAD_FRAME, "refusing to send an empty message");
        }
        if (payload.length > maxBytes) {
            throw new FrameException(ErrorCode.MESSAGE_TOO_LARGE,
                    "message of " + payload.length + " bytes is larger than the maximum of " + maxBytes);
        }
        out.write(Integer.toString(payload.length).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.write(payload);
    }
}
