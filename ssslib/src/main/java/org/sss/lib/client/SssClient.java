package org.sss.lib.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.sss.lib.config.SssConfig;
import org.sss.lib.config.WireSettings;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.wire.AuthenticationException;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.lib.xml.MessageCodec;

/**
 * Calls components at known endpoints: encodes (and validates) the request, exchanges it over a pooled,
 * authenticated connection, decodes (and validates) the reply, and turns an {@code <error>} reply into a
 * {@link RemoteErrorException}.
 *
 * <p>Connections are kept per endpoint and reused; one idle longer than half the wire's idle timeout is not
 * reused. When a reused connection turns out to be dead (the server restarted or closed it), the request is
 * sent once more on a fresh connection. Thread-safe.
 */
public final class SssClient implements AutoCloseable {
    private static final int MAX_IDLE_PER_ENDPOINT = 16;
    private final MessageCodec codec;
    private final ChallengeHandshake handshake;
    private final SharedKey key;
    private final WireSettings wire;
    private final Map<Endpoint, ConcurrentLinkedDeque<SssConnection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param codec  the message codec
     * @param digest the challenge digest
     * @param key    the key to present
     * @param wire   limits and timeouts
     */
    public SssClient(MessageCodec codec, Digest digest, SharedKey key, WireSettings wire) {
        this.codec = codec;
        this.handshake = new ChallengeHandshake(digest);
        this.key = key;
        this.wire = wire;
    }

    /**
     * @param config a loaded configuration (its client key is presented)
     * @return a client for it
     */
    public static SssClient fromConfig(SssConfig config) {
        return new SssClient(new MessageCodec(org.sss.lib.xml.XmlBinding.messages(), config.wire().xmlLimits()),
                config.security().digest(), config.security().keys().clientKey(), config.wire());
    }

    /** @return the codec */
    public MessageCodec codec() {
        return codec;
    }

    /**
     * Sends a request and returns its reply.
     *
     * @param endpoint  where the component listens
     * @param request   a generated root object or JAXBElement
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws RemoteErrorException if the component answered {@code <error>}
     * @throws TransportException   if no reply came
     * @throws SssException         if the reply is of an unexpected type or invalid
     */
    public <R> R call(Endpoint endpoint, Object request, Class<R> replyType) throws SssException {
        return Replies.value(codec, exchange(endpoint, codec.encode(request)), replyType, endpoint);
    }

    /**
     * Sends a message made of parts that were each validated when they were made (events kept as text: see
     * {@link org.sss.lib.xml.EventXml#message}), and returns its reply, decoded and validated.
     *
     * @param endpoint  where the component listens
     * @param request   the message's bytes
     * @param replyType the expected class of the reply's value
     * @param <R>       the reply type
     * @return the reply's value
     * @throws RemoteErrorException if the component answered {@code <error>}
     * @throws TransportException   if no reply came
     * @throws SssException         if the reply is of an unexpected type or invalid
     */
    public <R> R callPrepared(Endpoint endpoint, byte[] request, Class<R> replyType) throws SssException {
        return Replies.value(codec, exchange(endpoint, request), replyType, endpoint);
    }

    /**
     * Sends raw bytes and returns the raw reply, without validating either (for tools that relay messages).
     *
     * @param endpoint where the component listens
     * @param request  the message bytes
     * @return the reply bytes
     * @throws TransportException if no reply came
     */
    public byte[] exchange(Endpoint endpoint, byte[] request) throws TransportException {
        if (closed) {
            throw new TransportException("client is closed");
        }
        SssConnection pooled = takeIdle(endpoint);
        if (pooled != null) {
            try {
                byte[] reply = pooled.exchange(request);
                giveBack(pooled);
                return reply;
            } catch (IOException stale) {
                pooled.close();
            }
        }
        SssConnection fresh = connect(endpoint);
        try {
            byte[] reply = fresh.exchange(request);
            giveBack(fresh);
            return reply;
        } catch (IOException e) {
            fresh.close();
            throw new TransportException("no reply from " + endpoint + ": " + describe(e), e, true);
        }
    }

    private SssConnection connect(Endpoint endpoint) throws TransportException {
        try {
            Duration connect = wire.handshakeTimeout();
            return SssConnection.open(endpoint, handshake, key, wire.maxMessageBytes(), connect, wire.callTimeout());
        } catch (AuthenticationException e) {
            throw new TransportException("authentication with " + endpoint + " failed: " + e.getMessage(), e, false);
        } catch (IOException e) {
            throw new TransportException("cannot connect to " + endpoint + ": " + describe(e), e, false);
        }
    }

    private SssConnection takeIdle(Endpoint endpoint) {
        var deque = idle.get(endpoint);
        if (deque == null) {
            return null;
        }
        long maxIdle = wire.idleTimeout().toNanos() / 2;
        SssConnection connection;
        while ((connection = deque.pollFirst()) != null) {
            if (connection.usable() && connection.idleNanos() < maxIdle) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void giveBack(SssConnection connection) {
        var deque = idle.computeIfAbsent(connection.endpoint(), e -> new ConcurrentLinkedDeque<>());
        if (closed || deque.size() >= MAX_IDLE_PER_ENDPOINT) {
            connection.close();
        } else {
            deque.offerFirst(connection);
        }
    }

    /** Closes every pooled connection to the endpoint (after it is known to have gone away). */
    public void forget(Endpoint endpoint) {
        var deque = idle.remove(endpoint);
        if (deque != null) {
            deque.forEach(SssConnection::close);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(deque -> deque.forEach(SssConnection::close));
        idle.clear();
    }
}
