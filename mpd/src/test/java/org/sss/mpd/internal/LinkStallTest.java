package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.MpdSecret;

/**
 * A link is "stalled" only while its peer is inside a message: once a whole message has been read, the time its
 * handler takes (a job's start waiting for this host's PMIx server, under load for more than the frame timeout) must
 * not make the link look stalled, or the mpd drops a live link ("it stopped in the middle of a message") — as
 * members did by the hundred during a 512-member PMIx fence.
 */
class LinkStallTest {
    private static final Duration FRAME_TIMEOUT = Duration.ofMillis(200);

    @Test
    void aLinkWhoseMessageIsBeingHandledIsNotStalled() throws Exception {
        SharedKey secret = new SharedKey("ring", "link-stall-test".getBytes(StandardCharsets.UTF_8),
                new Principal("ring", Role.COMPONENT, null));
        ChallengeHandshake handshake = new ChallengeHandshake(Digest.HMAC_SHA256);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("127.51.0.1"), 0));
            CompletableFuture<Link> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket socket = server.accept();
                    return Link.accept(socket, handshake, MpdSecret.ring(secret), Duration.ofSeconds(10), FRAME_TIMEOUT);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Link connected = Link.connect(new Endpoint("127.51.0.1", server.getLocalPort()), handshake, secret,
                    Duration.ofSeconds(10));
                 Link receiving = accepted.get(10, TimeUnit.SECONDS)) {
                connected.send(MpdMessage.of("hello").with("id", "a").build());
                MpdMessage got = receiving.receive();
                assertThat(got.cmd()).isEqualTo("hello");
                long handledSince = System.nanoTime();
                // The message is now "being handled" (no further read) for longer than the frame timeout.
                await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - handledSince > 3 * FRAME_TIMEOUT.toNanos());
                assertThat(receiving.stalled()).as("a link between messages is not stalled").isFalse();
            }
        }
    }
}
