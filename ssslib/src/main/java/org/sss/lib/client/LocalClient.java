package org.sss.lib.client;

import java.io.IOException;
import java.nio.file.Path;
import org.sss.lib.config.WireSettings;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.xml.MessageCodec;

/**
 * Calls the component listening on a Unix-domain socket (the local wire, see {@link LocalConnection}) as the
 * user running this process: encodes (and validates) the request, exchanges it over a pooled connection, decodes
 * (and validates) the reply, and turns an {@code <error>} reply into a {@link RemoteErrorException}. The same
 * shape as {@link SssClient}, for one socket.
 *
 * <p>Connections are reused; one idle longer than half the wire's idle timeout is not. When a reused connection
 * turns out to be dead (the server restarted or closed it), the request is sent once more on a fresh
 * connection. Thread-safe.
 */
public final class LocalClient implements AutoCloseable {
    private final MessageCodec codec;
    private final Path socket;
    private final WireSettings wire;
    private final ConnectionPool<Path, LocalConnection> pool;

    /**
     * @param codec  the message codec
     * @param socket the component's socket path
     * @param wire   limits and timeouts (maximum message size, idle and call timeouts)
     */
    public LocalClient(MessageCodec codec, Path socket, WireSettings wire) {
        this.codec = codec;
        this.socket = socket;
        this.wire = wire;
        this.pool = new ConnectionPool<>(this::connect, wire.idleTimeout());
    }

    /** @return the codec */
    public MessageCodec codec() {
        return codec;
    }

    /** @return the socket path called */
    public Path socket() {
        return socket;
    }

    /**
     * Sends a request and returns its reply.
     *
     * @param request   a generated root object or JAXBElement
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws RemoteErrorException if the component answered {@code <error>}
     * @throws TransportException   if no reply came
     * @throws SssException         if the reply is of an unexpected type or invalid
     */
    public <R> R call(Object request, Class<R> replyType) throws SssException {
        return Replies.value(codec, exchange(codec.encode(request)), replyType, socket);
    }

    /**
     * Sends raw bytes and returns the raw reply, without validating either.
     *
     * @param request the message bytes
     * @return the reply bytes
     * @throws TransportException if no reply came
     */
    public byte[] exchange(byte[] request) throws TransportException {
        return pool.exchange(socket, request);
    }

    private LocalConnection connect(Path path) throws TransportException {
        try {
            return LocalConnection.open(path, wire.maxMessageBytes(), wire.callTimeout());
        } catch (IOException e) {
            throw new TransportException(e.getMessage(), e, false);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
