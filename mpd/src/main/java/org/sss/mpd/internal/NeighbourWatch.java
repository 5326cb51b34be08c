package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.SharedKey;

/**
 * Decides, for a {@link Ring}, whether a right neighbour in doubt is lost: one check at a time, on its own thread,
 * connecting outside the ring's lock. Thread-safe.
 */
final class NeighbourWatch {
    private static final Logger LOG = LoggerFactory.getLogger(NeighbourWatch.class);

    private final Ring ring;
    private final Peers peers;
    private final ChallengeHandshake handshake;
    private final SharedKey secret;
    private final Duration watchTimeout;
    private final AtomicBoolean verifying = new AtomicBoolean();

    /**
     * @param ring         the ring whose right neighbour is watched
     * @param peers        its connections
     * @param handshake    the challenge protocol
     * @param secret       the ring's secret
     * @param watchTimeout how long the neighbour may stay silent before it is checked
     */
    NeighbourWatch(Ring ring, Peers peers, ChallengeHandshake handshake, SharedKey secret, Duration watchTimeout) {
        this.ring = ring;
        this.peers = peers;
        this.handshake = handshake;
        this.secret = secret;
        this.watchTimeout = watchTimeout;
    }

    /**
     * @param watchTimeout how long a silent right neighbour may stay silent
     * @return how often a member pings its right neighbour: six pings within the watch timeout (250 ms for 1.5 s)
     */
    static Duration pingInterval(Duration watchTimeout) {
        return Duration.ofMillis(Math.max(50, watchTimeout.toMillis() / 6));
    }

    /**
     * Checks the right neighbour on a thread of its own, unless a check runs.
     *
     * @param suspect     the neighbour's id
     * @param silentNanos how long it has been silent (or unreachable)
     * @param relink      whether this mpd has no link to it (connecting failed): a good check makes one
     */
    void verify(String suspect, long silentNanos, boolean relink) {
        if (verifying.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("mpd-verify-" + ring.self().id()).start(() -> check(suspect, silentNanos, relink));
        }
    }

    /**
     * The right neighbour is in doubt: its pong is overdue, or this mpd has no link to it (connecting failed). A
     * fresh connection decides, outside the lock: if it completes, the neighbour is kept (and becomes the right link
     * when there was none); if the neighbour refuses it or is unreachable, it is lost. A connection that only times
     * out does not condemn it before {@link #hangLimit()}: on a loaded machine (or a JVM of a thousand members) a
     * live mpd can take seconds to answer, and tearing a live ring apart costs far more than waiting for a hung one.
     */
    private void check(String suspect, long silentNanos, boolean relink) {
        try {
            Member member = suspect == null ? null : ring.membership().member(suspect).orElse(null);
            if (member == null) {
                return;
            }
            try {
                if (relink) {
                    ring.relinked(suspect, peers.ownLink(member), silentNanos);
                } else {
                    try (Link probe = Link.connect(member.endpoint(), handshake, secret, watchTimeout.multipliedBy(2))) {
                        probe.send(MpdMessage.of("hello").with("id", ring.self().id()).build());
                        ring.answered();
                        LOG.info("mpd {}: right neighbour {} was silent for {} ms but answers a new connection; keeping it",
                                ring.self().id(), suspect, silentNanos / 1_000_000);
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                if (silentNanos > hangLimit().toNanos()) {
                    ring.rightLost("no answer for " + silentNanos / 1_000_000 + " ms, and new connections time out");
                } else {
                    LOG.info("mpd {}: right neighbour {} silent for {} ms and slow to answer a new connection; waiting up to {} ms",
                            ring.self().id(), suspect, silentNanos / 1_000_000, hangLimit().toMillis());
                }
            } catch (IOException e) {
                ring.rightLost("no answer for " + silentNanos / 1_000_000 + " ms, and a new connection failed: " + e.getMessage());
            }
        } finally {
            verifying.set(false);
        }
    }

    /** How long a right neighbour that accepts connections but answers none may stay silent before it is lost. */
    private Duration hangLimit() {
        return watchTimeout.multipliedBy(6);
    }
}
