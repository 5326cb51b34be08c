package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/**
 * One client address holds at most a quarter of a port's connections: past that its new ones are closed at once,
 * while another address is still served, and it is served again once it closes some.
 */
class AddressConnectionLimitTest {
    private static final SharedKey ALICE = new SharedKey("alice", "alice-secret".getBytes(StandardCharsets.UTF_8),
            new Principal("alice", Role.USER, "alice"));
    private static final String BODY = "<get-location><location component=\"*\"/></get-location>";
    /** The HTTP transport's share for one address: 64 threads, 8 connections each, a quarter. */
    private static final int SHARE = 64 * JettyServer.CONNECTIONS_PER_THREAD / JettyServer.ADDRESS_SHARE;
    private HttpTransport transport;

    @BeforeEach
    void start() throws IOException {
        transport = HttpTransport.start("test", "127.0.0.1", 0, new KeyRing(List.of(ALICE), "alice"), 1024, HttpTransportTest.echo());
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    /** @return the status line of a signed POST sent from the given local address, or "closed" */
    private String post(String from) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", transport.port()), 5000);
            socket.setSoTimeout(10_000);
            String ts = System.currentTimeMillis() / 1000 + "." + Math.floorMod(System.nanoTime(), 1_000_000_000L);
            String sig = ALICE.answer(Digest.HMAC_SHA256, ts + "\n" + BODY);
            socket.getOutputStream().write(("POST /sss HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: SSS-HMAC-SHA256 ts=" + ts + ",sig=" + sig + "\r\nContent-Length: " + BODY.length()
                    + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return status == null ? "closed" : status;
        } catch (java.net.SocketException reset) {
            return "closed";
        }
    }

    @Test
    void oneAddressCannotTakeEveryConnection() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < SHARE; i++) {
                held.add(new Socket("127.0.0.1", transport.port()));
            }
            await("the server has seen them all").atMost(Duration.ofSeconds(10))
                    .until(() -> post("127.0.0.1").equals("closed"));
            assertThat(post("127.0.0.2")).as("another address is served").startsWith("HTTP/1.1 200");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        await("served again once it closed them").atMost(Duration.ofSeconds(10))
                .until(() -> post("127.0.0.1").startsWith("HTTP/1.1 200"));
    }
}
