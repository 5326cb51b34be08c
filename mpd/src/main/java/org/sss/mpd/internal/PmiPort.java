package org.sss.mpd.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiServer;
import org.sss.mpd.internal.pmi.PmiSession;

/**
 * This mpd's PMI-1 port and the {@code PMI_ID}s it has handed out. A rank is started with {@code PMI_PORT} (this
 * port) and {@code PMI_ID}; its first line ({@code initack pmiid=N}) names its job and rank by that id. Ids are
 * drawn at random, and a connection must be the rank's user's (or root's) to use one, so another local user can
 * neither guess one nor use one read from a rank's environment; ids are given back when the rank ends
 * or its job is forgotten. A connection that ends with PMI initialised and not finalised is logged here; what it
 * means for the rank is decided at the rank's exit ({@link LocalRanks}). Thread-safe.
 */
final class PmiPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PmiPort.class);
    private final String selfId;
    private final SecureRandom idSource = new SecureRandom();
    private final Map<Integer, PmiSession.Binding> ids = new ConcurrentHashMap<>();
    private final PmiServer server;

    /**
     * @param ring the ring (this mpd: its id and the address to listen on)
     * @throws IOException if the port cannot be bound
     */
    PmiPort(Ring ring) throws IOException {
        this.selfId = ring.self().id();
        this.server = new PmiServer(ring.self().endpoint().host(), id -> Optional.ofNullable(ids.get(id)), this::ended);
    }

    /** @return {@code addr:port}, a rank's {@code PMI_PORT} */
    String port() {
        return server.port();
    }

    /**
     * @param job  the job's PMI view on this mpd
     * @param rank a rank about to be started here
     * @param uid  the user id it will run as (only its user's or root's connections may then speak for it)
     * @return its {@code PMI_ID}, positive and unused
     */
    int register(PmiJob job, int rank, int uid) {
        PmiSession.Binding binding = new PmiSession.Binding(job, rank, uid);
        int pmiid;
        do {
            pmiid = 1 + idSource.nextInt(Integer.MAX_VALUE - 1);
        } while (ids.putIfAbsent(pmiid, binding) != null);
        return pmiid;
    }

    /** @param pmiid an id handed out (0, never handed out, does nothing) that no longer names a rank */
    void release(int pmiid) {
        ids.remove(pmiid);
    }

    private void ended(PmiSession session) {
        PmiSession.Binding binding = session.binding();
        if (binding != null && session.active()) {
            LOG.warn("mpd {}: job {} rank {} closed its PMI connection without finalize", selfId, binding.job().jid(),
                    binding.rank());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
