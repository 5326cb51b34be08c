package org.sss.sssjob.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A connection to the queue manager's Unix-domain socket speaking the suite's local wire (see the ssslib class
 * {@code LocalConnection}): no handshake — the queue manager learns who we are from the kernel — then one frame
 * {@code <length> <payload>} each way per request. Not thread-safe.
 */
public final class QueueManagerConnection implements AutoCloseable {
    private static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;
    private final Path socket;
    private final SocketChannel channel;
    private final OutputStream out;
    private final InputStream in;

    private QueueManagerConnection(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 16384);
    }

    /**
     * @param socket the queue manager's socket
     * @return the open connection
     * @throws CliException (exit 3) if nobody listens there
     */
    public static QueueManagerConnection open(Path socket) throws CliException {
        try {
            return new QueueManagerConnection(socket, SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            throw unreachable(socket, e);
        }
    }

    private static CliException unreachable(Path socket, IOException e) {
        String why;
        if (!Files.exists(socket) || e instanceof NoSuchFileException) {
            why = "no socket " + socket + " (is the queue manager running? bin/sss start)";
        } else if (e instanceof SocketException && String.valueOf(e.getMessage()).contains("refused")) {
            why = "nobody listens on " + socket + " (is the queue manager running? bin/sss start)";
        } else {
            why = "cannot connect to " + socket + ": " + e.getMessage();
        }
        return new CliException(ExitStatus.UNREACHABLE, "cannot reach the queue manager: " + why);
    }

    /**
     * Sends one request and reads its reply.
     *
     * @param request the XML message
     * @return the reply
     * @throws CliException (exit 3) if the connection fails, (exit 1) if the reply is malformed
     */
    public Reply exchange(byte[] request) throws CliException {
        try {
            out.write((request.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(request);
            out.flush();
            byte[] payload = readFrame();
            return Reply.parse(payload);
        } catch (IOException e) {
            throw new CliException(ExitStatus.UNREACHABLE, "the queue manager at " + socket + " closed the connection: "
                    + e.getMessage());
        }
    }

    private byte[] readFrame() throws IOException, CliException {
        long length = 0;
        int digits = 0;
        for (int b = in.read(); b != ' '; b = in.read()) {
            if (b == -1) {
                throw new IOException("no reply");
            }
            if (b < '0' || b > '9' || ++digits > 10) {
                throw new CliException(ExitStatus.REFUSED, "the queue manager sent a malformed frame");
            }
            length = length * 10 + (b - '0');
        }
        if (length == 0 || length > MAX_REPLY_BYTES) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager sent a frame of " + length + " bytes");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new IOException("the reply was cut short");
        }
        return payload;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the command is ending; there is nothing left to tell the queue manager
        }
    }
}
