package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/**
 * A member that stops (or crashes) while another member's connection to it is still in its handshake must not keep
 * that link: its left neighbour would get pongs from a dead member and the ring would never lose it.
 */
class PeersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ChallengeHandshake handshake = new ChallengeHandshake(Digest.HMAC_SHA256);
    private final SharedKey secret = new SharedKey("ring", "MPD_SECRETWORD=peers-test".getBytes(StandardCharsets.UTF_8),
            new Principal("ring", Role.COMPONENT, null));

    @Test
    void aLinkWhoseHandshakeEndsAfterCloseIsClosedAndNeverRead() throws Exception {
        List<MpdMessage> received = new CopyOnWriteArrayList<>();
        Peers peers = new Peers("b", handshake, secret, new LinkHandler() {
            @Override
            public void message(Link link, MpdMessage message) {
                received.add(message);
            }

            @Override
            public void closed(Link link, String reason) {
            }
        });
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.71.0.1"), 0));
            Endpoint endpoint = new Endpoint("127.71.0.1", server.getLocalPort());
            CompletableFuture<Link> connecting = CompletableFuture.supplyAsync(() -> connect(endpoint));
            Link accepted;
            try (Socket socket = server.accept()) {
                accepted = Link.accept(socket, handshake, new KeyRing(List.of(secret), "ring"), TIMEOUT, TIMEOUT);
                // The member crashes (its links cut) before the link it just accepted is handed over.
                peers.close();
                peers.adopt(accepted);
                try (Link left = connecting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    left.trySend(MpdMessage.of("ping").with("from", "a").with("epoch", 1).build());
                    assertThat(accepted.isClosed()).as("the link adopted after close").isTrue();
                    CompletableFuture<MpdMessage> answer = CompletableFuture.supplyAsync(() -> receive(left));
                    assertThat(answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                            .as("the left neighbour sees the link end").isNull();
                }
            }
        }
        assertThat(received).as("messages handled by a stopped mpd").isEmpty();
    }

    @Test
    void aMessageTooLargeForAnyLinkIsNotSentAndTheLinkStays() throws Exception {
        List<String> closedLinks = new CopyOnWriteArrayList<>();
        Peers peers = new Peers("a", handshake, secret, new LinkHandler() {
            @Override
            public void message(Link link, MpdMessage message) {
            }

            @Override
            public void closed(Link link, String reason) {
                closedLinks.add(reason);
            }
        });
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.71.0.2"), 0));
            Member b = new Member("b", "b", new Endpoint("127.71.0.2", server.getLocalPort()));
            CompletableFuture<Link> accepting = CompletableFuture.supplyAsync(() -> {
                try {
                    return Link.accept(server.accept(), handshake, new KeyRing(List.of(secret), "ring"), TIMEOUT, TIMEOUT);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(peers.send(b, MpdMessage.of("ping").with("n", 1).build())).isTrue();
            try (Link accepted = accepting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(nextPing(accepted).get("n")).isEqualTo("1");
                byte[] huge = new byte[Link.MAX_MESSAGE + 1];
                assertThat(peers.send(b, MpdMessage.of("kvs-commit").with("jid", "1@a").body(huge).build()))
                        .as("refused").isFalse();
                assertThat(peers.send(b, MpdMessage.of("ping").with("n", 2).build())).isTrue();
                assertThat(nextPing(accepted).get("n")).as("on the same link").isEqualTo("2");
                assertThat(closedLinks).as("links closed").isEmpty();
            }
        } finally {
            peers.close();
        }
    }

    private Link connect(Endpoint endpoint) {
        try {
            return Link.connect(endpoint, handshake, secret, TIMEOUT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the next ping on the link (a new link first says who it is from) */
    private static MpdMessage nextPing(Link link) {
        MpdMessage message;
        do {
            message = receive(link);
        } while (message != null && !message.cmd().equals("ping"));
        return message;
    }

    private static MpdMessage receive(Link link) {
        try {
            return link.receive();
        } catch (IOException | MalformedMessageException e) {
            return null;
        }
    }
}
