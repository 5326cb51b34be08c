package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.SharedKey;

/**
 * An mpd's connections: one link per other member it talks to, and the links consoles opened to it. A link to a
 * member is opened on first use and kept; a link another member opened, once it has named its member
 * ({@link #named}), carries this mpd's messages to that member too, so two members that talk both ways (a job's
 * parent and child in the tree: launch down, fences and output up; the leader and a member that joined through it)
 * share one connection instead of two (half the descriptors, and no connection set up in the middle of a fence).
 * The ring's link to the right neighbour is always one this mpd opened ({@link #ownLink}): its closing says the
 * neighbour is gone, which a link the neighbour itself may close cannot say. Each link gets a reader thread (a
 * platform thread, so a forwarded ring message costs no hand-off) that passes messages to the {@link LinkHandler}.
 * Thread-safe.
 */
public final class Peers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Peers.class);
    /** The shortest wait for a new link's connect and handshake. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1500);

    private final String selfId;
    private final ChallengeHandshake handshake;
    private final SharedKey secret;
    private final LinkHandler handler;
    private final Duration connectTimeout;
    private final Map<String, Link> outgoing = new ConcurrentHashMap<>();
    /** Links other members opened to this mpd, by the member their {@code hello} named. */
    private final Map<String, Link> named = new ConcurrentHashMap<>();
    private final Set<Link> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param selfId    this mpd's id, announced on every outgoing link
     * @param handshake the challenge protocol
     * @param secret    the ring's secret
     * @param handler   what to do with received messages
     */
    public Peers(String selfId, ChallengeHandshake handshake, SharedKey secret, LinkHandler handler) {
        this(selfId, handshake, secret, handler, CONNECT_TIMEOUT);
    }

    /**
     * @param selfId         this mpd's id, announced on every outgoing link
     * @param handshake      the challenge protocol
     * @param secret         the ring's secret
     * @param handler        what to do with received messages
     * @param connectTimeout how long a new link's connect and handshake may take (the mpd gives its watch timeout:
     *                       a member is not given up on a connect sooner than on a silent ping)
     */
    public Peers(String selfId, ChallengeHandshake handshake, SharedKey secret, LinkHandler handler,
                 Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        this.selfId = selfId;
        this.handshake = handshake;
        this.secret = secret;
        this.handler = handler;
    }

    /**
     * @param member another member
     * @return the open link to it: one this mpd opened, else one the member opened, else a new one
     * @throws IOException if it cannot be reached or refuses the secret
     */
    public Link link(Member member) throws IOException {
        Link existing = outgoing.get(member.id());
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        Link theirs = named.get(member.id());
        if (theirs != null && !theirs.isClosed()) {
            return theirs;
        }
        return ownLink(member);
    }

    /**
     * @param member another member
     * @return the open link this mpd opened to it, connecting first if there is none (the ring's right link)
     * @throws IOException if it cannot be reached or refuses the secret
     */
    public Link ownLink(Member member) throws IOException {
        Link existing = outgoing.get(member.id());
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        synchronized (this) {
            existing = outgoing.get(member.id());
            if (existing != null && !existing.isClosed()) {
                return existing;
            }
            if (closed) {
                throw new IOException("mpd is stopping");
            }
            Link link = Link.connect(member.endpoint(), handshake, secret, connectTimeout);
            link.peerId(member.id());
            link.send(MpdMessage.of("hello").with("id", selfId).build());
            outgoing.put(member.id(), link);
            if (!read(link)) {
                outgoing.remove(member.id(), link);
                throw new IOException("mpd is stopping");
            }
            return link;
        }
    }

    /**
     * Sends to a member, connecting if needed.
     *
     * @param member  the member
     * @param message the message
     * @return whether it was sent
     */
    public boolean send(Member member, MpdMessage message) {
        Link link = null;
        try {
            link = link(member);
            link.send(message);
            return true;
        } catch (org.sss.lib.wire.FrameException e) {
            // Refused here, before a byte was written (too large for any link): the link is as good as it was, and
            // closing it (perhaps this mpd's own ring link) would make the member look lost to the ring.
            LOG.warn("mpd {}: {} to {} not sent: {}", selfId, message.cmd(), member.id(), e.getMessage());
            return false;
        } catch (IOException e) {
            LOG.debug("mpd {}: cannot send {} to {}: {}", selfId, message.cmd(), member.id(), e.getMessage());
            if (link != null) {
                // Only the link that failed: another to the member may be its own ring link to this mpd, which
                // closing would make it take this mpd for dead.
                outgoing.remove(member.id(), link);
                named.remove(member.id(), link);
                link.close();
            }
            return false;
        }
    }

    /**
     * Sends to a member named by its id, connecting if needed.
     *
     * @param ring     the membership to find it in
     * @param memberId its id
     * @param message  the message
     * @return whether it is a member and the message was sent
     */
    public boolean send(Membership ring, String memberId, MpdMessage message) {
        Member member = ring.member(memberId).orElse(null);
        return member != null && send(member, message);
    }

    /**
     * A link another member opened named that member ({@code hello}, its first message): from now on it is this
     * mpd's link to that member as well, unless one is already open. Only links authenticated with the ring's secret
     * qualify (a job's console cannot stand in for a member).
     *
     * @param accepted the link, as {@link #adopt} was given it
     * @param memberId the member it says it comes from
     */
    public void named(Link accepted, String memberId) {
        accepted.peerId(memberId);
        if (accepted.scope().isEmpty() && !accepted.isClosed()) {
            named.compute(memberId, (id, existing) -> existing == null || existing.isClosed() ? accepted : existing);
        }
    }

    /**
     * @param accepted a link another process opened; its reader starts now, or (once this mpd is stopping, e.g. its
     *                 handshake finished after a crash cut every link) it is closed at once
     */
    public void adopt(Link accepted) {
        read(accepted);
    }

    /** Drops links whose peer stopped in the middle of a message; called periodically. */
    public void dropStalled() {
        for (Link link : all) {
            if (link.stalled()) {
                LOG.warn("mpd {}: dropped link with {}: it stopped in the middle of a message", selfId, link.describe());
                link.close();
            }
        }
    }

    /** Closes the outgoing link to a member (it left or died). */
    public void forget(String memberId) {
        Link link = outgoing.remove(memberId);
        if (link != null) {
            link.close();
        }
        // A link the member opened is only no longer used to send to it: it is the member's to close. It may be its
        // ring link to this mpd (this mpd its right neighbour), and a member removed by mistake (a stale membership,
        // a false loss) would take this mpd for dead when it closed, and have it removed in turn: at 128 members,
        // ten crashes at once became a minute of live members removing each other round the ring.
        named.remove(memberId);
    }

    /**
     * Starts a link's reader, unless this mpd is stopping: a link that joins {@link #all} after {@link #close} cut
     * every link would otherwise live on, and a stopped (crashed) mpd would keep answering its left neighbour's pings.
     *
     * @return whether the reader started (false: the link is closed)
     */
    private boolean read(Link link) {
        all.add(link);
        if (closed) {
            // close() sets closed before it closes what is in all: either it saw this link or this sees closed.
            all.remove(link);
            link.close();
            return false;
        }
        Thread.ofPlatform().daemon().name("mpd-link-" + selfId + "-" + link.describe()).start(() -> {
            String reason = "closed by peer";
            try {
                MpdMessage message;
                while ((message = link.receive()) != null) {
                    // While more messages are already buffered, what handling them sends leaves in one write per link.
                    if (link.inputPending()) {
                        Link.beginBatch();
                    }
                    handler.message(link, message);
                    if (!link.inputPending()) {
                        Link.endBatch();
                    }
                }
            } catch (MalformedMessageException e) {
                reason = "protocol violation: " + e.getMessage();
                LOG.warn("mpd {}: dropped link with {}: {}", selfId, link.describe(), reason);
            } catch (IOException e) {
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (RuntimeException e) {
                reason = "internal error: " + e;
                LOG.error("mpd {}: error handling a message from {}", selfId, link.describe(), e);
            } finally {
                Link.endBatch();
                link.close();
                all.remove(link);
                String id = link.peerId();
                if (id != null) {
                    outgoing.remove(id, link);
                    named.remove(id, link);
                }
                if (!closed) {
                    handler.closed(link, reason);
                }
            }
        });
        return true;
    }

    @Override
    public void close() {
        closed = true;
        all.forEach(Link::close);
        outgoing.clear();
        named.clear();
    }
}
