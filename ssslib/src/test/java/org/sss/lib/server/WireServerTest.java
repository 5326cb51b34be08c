package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.WireSettings;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

class WireServerTest {
    private static final String GET = "<get-location><location><component>*</component></location></get-location>";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Digest.class)
    void aClientWithTheRightKeyIsAcceptedAndIdentifiedByIt(Digest digest) throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, digest);
             RawClient suite = new RawClient(fixture.port());
             RawClient alice = new RawClient(fixture.port())) {
            assertThat(suite.authenticate(digest, WireFixture.SUITE_SECRET)).isEqualTo('1');
            assertThat(alice.authenticate(digest, WireFixture.ALICE_SECRET)).isEqualTo('1');
            assertThat(suite.call(GET)).contains("<component>suite</component>");
            assertThat(alice.call(GET)).contains("<component>alice</component>");
            assertThat(suite.call(GET)).as("many exchanges on one connection").contains("<component>suite</component>");
        }
    }

    @ParameterizedTest
    @EnumSource(Digest.class)
    void aWrongKeyIsRefusedAndTheConnectionClosed(Digest digest) throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, digest); RawClient client = new RawClient(fixture.port())) {
            assertThat(client.authenticate(digest, "not-the-secret")).isEqualTo('0');
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientUsingTheOtherDigestIsRefused() throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256); RawClient client = new RawClient(fixture.port())) {
            assertThat(client.authenticate(Digest.MD5, WireFixture.SUITE_SECRET)).isEqualTo('0');
        }
    }

    @Test
    void theLibraryClientRefusedByTheServerReportsAuthenticationFailure() throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256);
             SssClient client = new SssClient(MessageCodec.messages(), Digest.MD5, fixture.keys.clientKey(), WireSettings.DEFAULT)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            client.call(new Endpoint("127.0.0.1", fixture.port()), getAll(), Locations.class))
                    .isInstanceOf(TransportException.class).hasMessageContaining("authentication");
        }
    }

    static Stream<Arguments> badLengths() {
        return Stream.of(
                Arguments.of("zero", "0 " + GET, "bad-frame"),
                Arguments.of("negative", "-12 " + GET, "bad-frame"),
                Arguments.of("non-numeric", "twelve " + GET, "bad-frame"),
                Arguments.of("no length at all", GET, "bad-frame"),
                Arguments.of("missing space", GET.length() + GET, "bad-frame"),
                Arguments.of("above the maximum", (4 * 1024 * 1024 + 1) + " " + GET, "message-too-large"),
                Arguments.of("eleven digits", "12345678901 " + GET, "bad-frame"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLengths")
    void everyMalformedLengthGetsAnErrorThenACloseAndTheNextClientIsServed(String name, String bytes, String code)
            throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256)) {
            try (RawClient hostile = new RawClient(fixture.port())) {
                assertThat(hostile.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET)).isEqualTo('1');
                hostile.sendRaw(bytes);
                String reply = hostile.reply();
                assertThat(reply).startsWith("<error").contains("type=\"Validation\"").contains("code=\"" + code + "\"");
                assertThat(hostile.closedByServer()).isTrue();
            }
            assertNextClientServed(fixture);
        }
    }

    @Test
    void aReplyLargerThanTheMaximumBecomesAnErrorAndTheConnectionServesOn() throws IOException {
        WireSettings wire = WireFixture.wire(Duration.ofSeconds(30), Duration.ofSeconds(5), 4096, 100);
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            fixture.dispatcher.register("get-events", org.sss.schema.GetEvents.class, (request, context) -> {
                Locations many = new Locations();
                for (int i = 0; i < 200; i++) {
                    LocationType location = new LocationType();
                    location.setComponent("component-" + i);
                    many.getLocation().add(location);
                }
                return many;
            });
            client.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            assertThat(client.call("<get-events since=\"0\"/>")).startsWith("<error")
                    .contains("code=\"message-too-large\"").contains("larger than the maximum message of 4096 bytes");
            assertThat(client.call(GET)).as("the same connection, next request").startsWith("<locations")
                    .contains("suite");
        }
    }

    @Test
    void aLengthLargerThanWhatIsSentEndsAtTheFrameTimeoutWithoutAnswer() throws IOException {
        WireSettings wire = WireFixture.wire(Duration.ofSeconds(30), Duration.ofMillis(500), 4096, 100);
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            client.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            client.sendRaw("1000 <get-location/>");
            assertThat(client.closedByServer()).isTrue();
            assertNextClientServed(fixture);
        }
    }

    @Test
    void aSlowLorisSendingAByteAtATimeIsClosedAtTheFrameTimeout() throws Exception {
        WireSettings wire = WireFixture.wire(Duration.ofSeconds(30), Duration.ofMillis(800), 4096, 100);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            client.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            client.sendRaw("50 ");
            trickle.scheduleAtFixedRate(() -> {
                try {
                    client.sendRaw("x");
                } catch (IOException closed) {
                    trickle.shutdown();
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(3)).until(() -> fixture.server.openConnections() == 0);
            assertNextClientServed(fixture);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        WireSettings wire = WireFixture.wire(Duration.ofMillis(300), Duration.ofSeconds(5), 4096, 100);
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            client.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            assertThat(client.call(GET)).startsWith("<locations>");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatNeverAnswersTheChallengeIsDropped() throws IOException {
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256); RawClient client = new RawClient(fixture.port())) {
            assertThat(client.readChallenge()).hasSize(64);
            client.sendRaw("this is not a digest\n");
            assertThat(client.in.read()).isEqualTo('0');
            assertThat(client.closedByServer()).isTrue();
            assertNextClientServed(fixture);
        }
    }

    @Test
    void aClientTricklingItsAnswerIsClosedAtTheHandshakeTimeoutForTheWholeHandshake() throws Exception {
        WireSettings d = WireSettings.DEFAULT;
        WireSettings wire = new WireSettings(d.maxMessageBytes(), d.idleTimeout(), Duration.ofMillis(600),
                d.frameTimeout(), d.callTimeout(), d.maxConnections(), d.xmlLimits());
        java.util.concurrent.ScheduledExecutorService trickle = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            assertThat(client.readChallenge()).hasSize(64);
            long began = System.nanoTime();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    client.sendRaw("a");
                } catch (IOException closed) {
                    // the server closed it
                }
            }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(client.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("one deadline for the whole handshake")
                    .isLessThan(Duration.ofSeconds(3));
            assertNextClientServed(fixture);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void aClientThatDoesNotReadItsRepliesIsClosedAfterTheFrameTimeout() throws Exception {
        WireSettings wire = WireFixture.wire(Duration.ofSeconds(30), Duration.ofMillis(300), 4096, 100);
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient client = new RawClient(fixture.port())) {
            client.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            java.util.concurrent.CompletableFuture<Void> flood = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        client.send(GET);
                    }
                } catch (IOException closed) {
                    return;
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.openConnections() == 0);
            flood.join();
            assertThat(fixture.server.requestsServed()).as("replies filled the socket buffers").isGreaterThan(100);
            assertNextClientServed(fixture);
        }
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAndTheOthersKeepWorking() throws IOException {
        WireSettings wire = WireFixture.wire(Duration.ofSeconds(30), Duration.ofSeconds(5), 4096, 2);
        try (WireFixture fixture = WireFixture.start(dir, Digest.HMAC_SHA256, wire);
             RawClient first = new RawClient(fixture.port());
             RawClient second = new RawClient(fixture.port())) {
            first.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            second.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET);
            try (RawClient third = new RawClient(fixture.port())) {
                assertThat(third.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET)).isEqualTo(-1);
            }
            assertThat(first.call(GET)).startsWith("<locations>");
        }
    }

    @Test
    void theLibraryClientReusesOneConnectionAndRecoversWhenTheServerRestarts() throws IOException, SssException {
        WireFixture first = WireFixture.start(dir, Digest.HMAC_SHA256);
        int port = first.port();
        try (SssClient client = new SssClient(MessageCodec.messages(), Digest.HMAC_SHA256, first.keys.clientKey(),
                WireSettings.DEFAULT)) {
            Endpoint endpoint = new Endpoint("127.0.0.1", port);
            for (int i = 0; i < 20; i++) {
                assertThat(client.call(endpoint, getAll(), Locations.class).getLocation()).hasSize(1);
            }
            assertThat(first.server.requestsServed()).isEqualTo(20);
            assertThat(first.server.openConnections()).isEqualTo(1);
            first.close();
            try (WireFixture second = WireFixture.start(dir, Digest.HMAC_SHA256, WireSettings.DEFAULT, port)) {
                assertThat(client.call(endpoint, getAll(), Locations.class).getLocation()).hasSize(1);
                assertThat(second.server.requestsServed()).isEqualTo(1);
            }
        } finally {
            first.close();
        }
    }

    private static GetLocation getAll() {
        GetLocation request = new GetLocation();
        LocationType all = new LocationType();
        all.setComponent("*");
        request.getLocation().add(all);
        return request;
    }

    static void assertNextClientServed(WireFixture fixture) throws IOException {
        try (RawClient next = new RawClient(fixture.port())) {
            assertThat(next.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET)).isEqualTo('1');
            assertThat(next.call(GET)).startsWith("<locations>");
        }
    }
}
