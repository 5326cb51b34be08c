package org.sss.lib.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.sss.lib.error.ErrorCode;

/**
 * Reads SSSlib frames: {@code <decimal byte count><space><payload>}.
 *
 * <p>The count is 1 to 10 ASCII digits, greater than zero and at most the configured maximum; anything else
 * (a sign, another byte before the space, an empty count) is a {@link FrameException}. The payload buffer grows
 * as bytes arrive past the first 64 KB rather than being allocated from the announced size, so a peer that
 * announces a large message and sends little costs little memory, and a message up to 64 KB is read into one
 * array of its exact size. Not thread-safe: one reader per connection.
 */
public final class FrameReader {
    private static final int MAX_DIGITS = 10;
    private static final int INITIAL_BUFFER = 65536;
    private final InputStream in;
    private final int maxBytes;
    private final ReadTimeouts timeouts;

    /**
     * @param in       the connection's (buffered) input
     * @param maxBytes the largest payload accepted
     * @param timeouts the read deadlines
     */
    public FrameReader(InputStream in, int maxBytes, ReadTimeouts timeouts) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.timeouts = timeouts;
    }

    /**
     * Reads the next frame.
     *
     * @return the payload, or {@code null} if the peer closed the connection between frames
     * @throws FrameException              if the frame is malformed or too large
     * @throws EOFException                if the peer closed the connection inside a frame
     * @throws java.net.SocketTimeoutException if the idle or frame deadline passed
     * @throws IOException                 on other connection failures
     */
    public byte[] read() throws IOException {
        timeouts.awaitingFrame();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        long deadline = System.nanoTime() + timeouts.frameTimeout().toNanos();
        long length = 0;
        int digits = 0;
        while (b != ' ') {
            if (b < '0' || b > '9') {
                throw new FrameException(ErrorCode.BAD_FRAME, digits == 0
                        ? "frame must start with a decimal byte count, got " + describe(b)
                        : "byte count must be followed by a space, got " + describe(b));
            }
            if (++digits > MAX_DIGITS) {
                throw new FrameException(ErrorCode.BAD_FRAME, "byte count has more than " + MAX_DIGITS + " digits");
            }
            length = length * 10 + (b - '0');
            timeouts.insideFrame(deadline);
            b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a frame's byte count");
            }
        }
        if (digits == 0) {
            throw new FrameException(ErrorCode.BAD_FRAME, "frame has no byte count before the space");
        }
        if (length == 0) {
            throw new FrameException(ErrorCode.BAD_FRAME, "frame byte count is 0");
        }
        if (length > maxBytes) {
            throw new FrameException(ErrorCode.MESSAGE_TOO_LARGE,
                    "message of " + length + " bytes is larger than the maximum of " + maxBytes);
        }
        return readPayload((int) length, deadline);
    }

    private byte[] readPayload(int length, long deadline) throws IOException {
        byte[] buffer = new byte[Math.min(length, INITIAL_BUFFER)];
        int filled = 0;
        while (filled < length) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(length, (long) buffer.length * 2));
            }
            timeouts.insideFrame(deadline);
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new EOFException("connection closed after " + filled + " of " + length + " announced bytes");
            }
            filled += n;
        }
        return buffer;
    }

    private static String describe(int b) {
        return b >= 0x21 && b <= 0x7e ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
    }
}
