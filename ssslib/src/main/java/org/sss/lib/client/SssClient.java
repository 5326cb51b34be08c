package org.sss.lib.client;

import java.io.IOException;
import java.time.Duration;
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
    private final MessageCodec codec;
    private final ChallengeHandshake handshake;
    private final SharedKey key;
    private final WireSettings wire;
    private final ConnectionPool<Endpoint, SssConnection> pool;

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
        this.pool = new ConnectionPool<>(this::connect, wire.idleTimeout());
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
        return pool.exchange(endpoint, request);
    }

    private SssConnection connect(Endpoint endpoint) throws TransportException {
        try {
            Duration connect = wire.handshakeTimeout();
            return SssConnection.open(endpoint, handshake, key, wire.maxMessageBytes(), connect, wire.callTimeout());
        } catch (AuthenticationException e) {
            throw new TransportException("authentication with " + endpoint + " failed: " + e.getMessage(), e, false);
        } catch (IOException e) {
            throw new TransportException("cannot connect to " + endpoint + ": " + ConnectionPool.describe(e), e, false);
        }
    }

    /**
     * Closes every pooled connection to the endpoint (after it is known to have gone away).
     *
     * @param endpoint where they go
     */
    public void forget(Endpoint endpoint) {
        pool.forget(endpoint);
    }

    @Override
    public void close() {
        pool.close();
    }
}
