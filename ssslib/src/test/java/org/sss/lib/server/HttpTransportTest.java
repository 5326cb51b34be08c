package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/** POST /sss: a signed request is answered as the key's principal; unsigned, badly signed and stale ones are not. */
class HttpTransportTest {
    private static final SharedKey ALICE = new SharedKey("alice", "alice-secret".getBytes(StandardCharsets.UTF_8),
            new Principal("alice", Role.USER, "alice"));
    private static final String BODY = "<get-location><location component=\"*\"/></get-location>";
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpTransport transport;

    /**
     * @return a handler that answers {@code <ok who="PRINCIPAL" bytes="N"/>}, and errors as {@code <error code/>}
     */
    static MessageHandler echo() {
        return new MessageHandler() {
            @Override
            public byte[] handle(byte[] payload, RequestContext context) {
                return ("<ok who=\"" + context.principal().name() + "\" bytes=\"" + payload.length + "\"/>")
                        .getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] errorReply(ErrorCode code, String message) {
                return ("<error code=\"" + code.wireCode() + "\"/>").getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    @BeforeEach
    void start() throws IOException {
        transport = HttpTransport.start("test", "127.0.0.1", 0, new KeyRing(List.of(ALICE), "alice"), 1024, echo());
    }

    @AfterEach
    void stop() {
        transport.close();
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(SharedKey key, long ts, String body) {
        return "SSS-HMAC-SHA256 ts=" + ts + ",sig=" + key.answer(Digest.HMAC_SHA256, ts + "\n" + body);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aSignedRequestIsAnsweredAsItsKeysPrincipal() throws Exception {
        HttpResponse<String> response = post("/sss", BODY, sign(ALICE, now(), BODY));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("<ok who=\"alice\" bytes=\"" + BODY.length() + "\"/>");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/xml"));
    }

    @Test
    void unsignedBadlySignedAndStaleRequestsAreRefused() throws Exception {
        assertThat(post("/sss", BODY, null).statusCode()).isEqualTo(401);
        SharedKey mallory = new SharedKey("mallory", "guess".getBytes(StandardCharsets.UTF_8),
                new Principal("mallory", Role.USER, "mallory"));
        assertThat(post("/sss", BODY, sign(mallory, now(), BODY)).statusCode()).isEqualTo(401);
        assertThat(post("/sss", BODY + " ", sign(ALICE, now(), BODY)).statusCode()).isEqualTo(401);
        HttpResponse<String> stale = post("/sss", BODY, sign(ALICE, now() - 301, BODY));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.body()).isEqualTo("<error code=\"permission-denied\"/>");
        assertThat(post("/sss", BODY, sign(ALICE, now() + 299, BODY)).statusCode()).isEqualTo(200);
        assertThat(post("/sss", BODY, "Basic YWxpY2U6eA==").statusCode()).isEqualTo(401);
    }

    /** A request taken once is refused when sent again as it was (a replay), whatever the case of its signature. */
    @Test
    void aSignedRequestSentAgainIsRefusedAsAReplay() throws Exception {
        long ts = now();
        String authorization = sign(ALICE, ts, BODY);
        assertThat(post("/sss", BODY, authorization).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = post("/sss", BODY, authorization);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.body()).isEqualTo("<error code=\"permission-denied\"/>");
        int sigAt = authorization.indexOf("sig=") + 4;
        String upper = authorization.substring(0, sigAt) + authorization.substring(sigAt).toUpperCase(java.util.Locale.ROOT);
        assertThat(post("/sss", BODY, upper).statusCode()).isEqualTo(401);
        // The same body signed anew, at a time with decimals in the same second, is another request.
        String again = "SSS-HMAC-SHA256 ts=" + ts + ".5,sig=" + ALICE.answer(Digest.HMAC_SHA256, ts + ".5\n" + BODY);
        assertThat(post("/sss", BODY, again).statusCode()).isEqualTo(200);
        assertThat(post("/sss", BODY, again).statusCode()).isEqualTo(401);
    }

    @Test
    void onlyPostToSssIsServedAndBodiesAreBounded() throws Exception {
        assertThat(post("/other", BODY, sign(ALICE, now(), BODY)).statusCode()).isEqualTo(404);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port()
                + "/sss")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        String big = "x".repeat(2000);
        assertThat(post("/sss", big, sign(ALICE, now(), big)).statusCode()).isEqualTo(413);
    }

    /**
     * Clients that send a request's head and then trickle its body (a byte at a time, to keep a handler thread each)
     * are cut off, and a client with a whole request is still answered: before, 64 of them held every thread for as
     * long as they went on trickling.
     */
    @Test
    void clientsThatTrickleTheirBodiesDoNotHoldTheServersThreads() throws Exception {
        List<java.net.Socket> tricklers = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean trickling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread feeder = null;
        try {
            String head = "POST /sss HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\nAuthorization: "
                    + sign(ALICE, now(), "x") + "\r\n\r\n";
            for (int i = 0; i < 80; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", transport.port());
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                tricklers.add(socket);
            }
            feeder = Thread.ofPlatform().daemon().start(() -> {
                while (trickling.get()) {
                    for (java.net.Socket socket : tricklers) {
                        try {
                            socket.getOutputStream().write('x');
                            socket.getOutputStream().flush();
                        } catch (IOException cutOff) {
                            // the server closed it: what this test wants
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                }
            });
            java.util.concurrent.CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port() + "/sss"))
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).header("Authorization", sign(ALICE, now(), BODY))
                            .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> response = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("who=\"alice\"");
        } finally {
            trickling.set(false);
            if (feeder != null) {
                feeder.join(5000);
            }
            for (java.net.Socket socket : tricklers) {
                socket.close();
            }
        }
    }
}
