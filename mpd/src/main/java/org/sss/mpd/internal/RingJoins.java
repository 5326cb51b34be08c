package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;

/**
 * The joining side of a {@link Ring}: asks a member to be let in (following redirects to the leader), hands the
 * answer to the ring, and tells its new left neighbour; and rejoins after being expelled. Connects outside the
 * ring's lock. Thread-safe (no state of its own).
 */
final class RingJoins {
    private static final Logger LOG = LoggerFactory.getLogger(RingJoins.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final Ring ring;
    private final Member self;
    private final ChallengeHandshake handshake;
    private final SharedKey secret;

    /**
     * @param ring      the ring this mpd joins
     * @param handshake the challenge protocol
     * @param secret    the ring's secret
     */
    RingJoins(Ring ring, ChallengeHandshake handshake, SharedKey secret) {
        this.ring = ring;
        this.self = ring.self();
        this.handshake = handshake;
        this.secret = secret;
    }

    /**
     * Joins the ring a member belongs to, blocking until this mpd is in it.
     *
     * @param sponsor any member's endpoint
     * @throws IOException if no member accepts it (the message says why)
     */
    void join(Endpoint sponsor) throws IOException {
        Endpoint target = sponsor;
        for (int redirects = 0; redirects < 4; redirects++) {
            try (Link link = Link.connect(target, handshake, secret, JOIN_TIMEOUT)) {
                link.send(MpdMessage.of("join").with("id", self.id()).with("host", self.host())
                        .with("addr", self.endpoint()).build());
                MpdMessage reply = link.receive();
                if (reply == null) {
                    throw new IOException("the mpd at " + target + " closed the connection instead of answering the join");
                }
                switch (reply.cmd()) {
                    case "join-ok" -> {
                        Membership joined = new Membership(reply.number("epoch"), Member.decodeAll(reply.require("members")));
                        ring.joined(joined);
                        LOG.info("mpd {}: joined the ring of {} through {}", self.id(), joined.size(), target);
                        tellLeftNeighbour(joined);
                        return;
                    }
                    case "join-redirect" -> target = Endpoint.parse(reply.require("leader"));
                    case "join-refused" -> throw new IOException("the ring refused this mpd: " + reply.get("reason"));
                    default -> throw new IOException("unexpected answer to join: " + reply.cmd());
                }
            } catch (MalformedMessageException e) {
                throw new IOException("bad answer to join from " + target + ": " + e.getMessage(), e);
            }
        }
        throw new IOException("too many redirects while joining through " + sponsor);
    }

    /**
     * Tells the member before this one in ring order, which until now had the leader on its right, that this mpd
     * joined: it adopts the membership and rewires to this mpd at once, instead of pinging the leader until the
     * next circulation reaches it (with joins coalesced, hundreds of members would otherwise ping the leader).
     * One short connection, no reader thread; a failure only means the neighbour learns it from the circulation.
     */
    private void tellLeftNeighbour(Membership joined) {
        Member left = joined.leftOf(self.id());
        if (left.id().equals(self.id()) || left.id().equals(joined.leader().id())) {
            return;
        }
        try (Link link = Link.connect(left.endpoint(), handshake, secret, JOIN_TIMEOUT)) {
            link.send(MpdMessage.of("members").with("epoch", joined.epoch()).with("members", Member.encodeAll(joined.members()))
                    .with("neighbour", 1).build());
        } catch (IOException e) {
            LOG.info("mpd {}: could not tell {} that it joined after it: {}", self.id(), left.id(), e.getMessage());
        }
    }

    /**
     * Rejoins, in the background, the ring this mpd was dropped from: through the member that dropped it, then each
     * of the others in turn. If none takes it back (about 30 s), {@code failed} is told the ring: the mpd stops
     * rejoining and probes its members as lost ones (before, it tried only the one that dropped it, and when that one
     * had gone it stayed a ring of one for good).
     *
     * @param left      the ring this mpd was in
     * @param sponsorId the member that dropped it (tried first), or null
     * @param failed    told when no member took it back
     */
    void rejoinLater(Membership left, String sponsorId, Consumer<Membership> failed) {
        Set<Endpoint> sponsors = new LinkedHashSet<>();
        left.member(sponsorId == null ? "" : sponsorId).ifPresent(member -> sponsors.add(member.endpoint()));
        left.members().stream().filter(member -> !member.id().equals(self.id()))
                .forEach(member -> sponsors.add(member.endpoint()));
        if (sponsors.isEmpty()) {
            failed.accept(left);
            return;
        }
        Thread.ofPlatform().daemon().name("mpd-rejoin").start(() -> {
            if (!rejoin(List.copyOf(sponsors))) {
                LOG.warn("mpd {}: no member of its ring took it back; running alone, probing them", self.id());
                failed.accept(left);
            }
        });
    }

    /**
     * Joins again, through each of the given members in turn (the one that dropped this mpd first), for about 30 s.
     *
     * @param sponsors where the members of the ring this mpd was dropped from listen
     * @return whether it joined (false: none took it back, or this mpd is exiting)
     */
    boolean rejoin(List<Endpoint> sponsors) {
        for (int attempt = 0; attempt < 60 && !ring.isExiting(); attempt++) {
            Endpoint sponsor = sponsors.get(attempt % sponsors.size());
            try {
                join(sponsor);
                return true;
            } catch (IOException e) {
                LOG.warn("mpd {}: rejoin through {} failed: {}", self.id(), sponsor, e.getMessage());
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException interrupted) {
                    return false;
                }
            }
        }
        return false;
    }

}
