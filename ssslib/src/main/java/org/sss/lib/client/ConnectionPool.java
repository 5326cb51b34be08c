package org.sss.lib.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.sss.lib.error.TransportException;

/**
 * What every wire's client does the same way, whatever carries the bytes: keeps idle connections per target (at most
 * 16 each; one idle longer than half the wire's idle timeout, or broken, is not reused), sends a request on a pooled
 * connection, and when that one turns out to be dead (the server restarted or closed it) sends it once more on a fresh
 * one; never after a timeout (the server has the request and is slow: it would run twice). How a connection is opened
 * is the wire's. Thread-safe.
 *
 * @param <T> what a connection goes to (an endpoint, a socket path)
 * @param <C> the wire's connection
 */
final class ConnectionPool<T, C extends ConnectionPool.Pooled> {
    private static final int MAX_IDLE_PER_TARGET = 16;

    /** A connection the pool can hold: one exchange at a time, by one caller. */
    interface Pooled {
        /**
         * @param request the message bytes
         * @return the reply bytes
         * @throws IOException if the exchange fails; the connection is then broken and must be closed
         */
        byte[] exchange(byte[] request) throws IOException;

        /** @return false once an exchange failed */
        boolean usable();

        /** @return nanoseconds since the last successful exchange (or the connect) */
        long idleNanos();

        /** Closes the connection, quietly. */
        void close();
    }

    /**
     * Opens a fresh connection.
     *
     * @param <T> what a connection goes to
     * @param <C> the wire's connection
     */
    @FunctionalInterface
    interface Opener<T, C> {
        /**
         * @param target where to
         * @return the open connection
         * @throws TransportException if it cannot be opened (the message says why)
         */
        C open(T target) throws TransportException;
    }

    private final Opener<T, C> opener;
    private final Duration idleTimeout;
    private final Map<T, ConcurrentLinkedDeque<C>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param opener      how a fresh connection is opened
     * @param idleTimeout the wire's idle timeout (servers close connections idle this long)
     */
    ConnectionPool(Opener<T, C> opener, Duration idleTimeout) {
        this.opener = opener;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Sends raw bytes and returns the raw reply.
     *
     * @param target  where to
     * @param request the message bytes
     * @return the reply bytes
     * @throws TransportException if no reply came
     */
    byte[] exchange(T target, byte[] request) throws TransportException {
        if (closed) {
            throw new TransportException("client is closed");
        }
        C pooled = takeIdle(target);
        if (pooled != null) {
            try {
                return exchangeOn(target, pooled, request);
            } catch (java.net.SocketTimeoutException late) {
                // The request went and the server is slow: sent again it could run twice (and wait as long again).
                throw new TransportException("no reply from " + target + ": " + describe(late), late, true);
            } catch (IOException stale) {
                // The server closed it meanwhile (it restarted, or the connection idled out): once more on a fresh one.
                return exchangeFresh(target, request, true);
            }
        }
        return exchangeFresh(target, request, false);
    }

    /**
     * @param triedPooled whether the request was written to a pooled connection first (it may then have reached the
     *                    server even if this fresh connection cannot be opened)
     */
    private byte[] exchangeFresh(T target, byte[] request, boolean triedPooled) throws TransportException {
        C fresh;
        try {
            fresh = opener.open(target);
        } catch (TransportException e) {
            if (!triedPooled) {
                throw e;
            }
            throw new TransportException(e.getMessage(), e, true);
        }
        try {
            return exchangeOn(target, fresh, request);
        } catch (IOException e) {
            throw new TransportException("no reply from " + target + ": " + describe(e), e, true);
        }
    }

    private byte[] exchangeOn(T target, C connection, byte[] request) throws IOException {
        byte[] reply;
        try {
            reply = connection.exchange(request);
        } catch (IOException e) {
            connection.close();
            throw e;
        }
        giveBack(target, connection);
        return reply;
    }

    private C takeIdle(T target) {
        var deque = idle.get(target);
        if (deque == null) {
            return null;
        }
        long maxIdle = idleTimeout.toNanos() / 2;
        C connection;
        while ((connection = deque.pollFirst()) != null) {
            if (connection.usable() && connection.idleNanos() < maxIdle) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void giveBack(T target, C connection) {
        var deque = idle.computeIfAbsent(target, t -> new ConcurrentLinkedDeque<>());
        if (closed || deque.size() >= MAX_IDLE_PER_TARGET) {
            connection.close();
        } else {
            deque.offerFirst(connection);
        }
    }

    /**
     * Closes every idle connection to the target (after it is known to have gone away).
     *
     * @param target where they go
     */
    void forget(T target) {
        var deque = idle.remove(target);
        if (deque != null) {
            deque.forEach(C::close);
        }
    }

    /**
     * @param e an exchange's failure
     * @return its message, or its kind when it has none
     */
    static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** Closes every idle connection; exchanges after this fail with "client is closed". */
    void close() {
        closed = true;
        idle.values().forEach(deque -> deque.forEach(C::close));
        idle.clear();
    }
}
