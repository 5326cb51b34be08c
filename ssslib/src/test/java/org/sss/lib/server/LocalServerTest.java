package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.config.WireSettings;

@Timeout(30)
class LocalServerTest {
    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path dir;

    private Path socket() {
        return dir.resolve("qm.sock");
    }

    @Test
    void theCallerIsTheKernelsPeerUserMappedByTheComponent() throws IOException {
        try (LocalFixture fixture = LocalFixture.start(socket()); LocalRawClient client = new LocalRawClient(socket())) {
            String reply = client.call(LocalFixture.GET);
            assertThat(reply).startsWith("<locations>").contains("<component>" + ME + "</component>")
                    .contains("<host>USER</host>").contains("<protocol>local:" + ME + "</protocol>");
            assertThat(fixture.mapped).hasSize(1);
            assertThat(fixture.mapped.getFirst().user().getName()).isEqualTo(ME);
        }
    }

    @Test
    void manyRequestsAreServedOnOneConnection() throws IOException {
        try (LocalFixture fixture = LocalFixture.start(socket()); LocalRawClient client = new LocalRawClient(socket())) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.call(LocalFixture.GET)).contains("<component>" + ME + "</component>");
            }
            assertThat(fixture.server.requestsServed()).isEqualTo(50);
            assertThat(fixture.mapped).as("credentials are mapped once per connection").hasSize(1);
        }
    }

    @Test
    void anInvalidMessageGetsAnErrorReplyAndTheConnectionStaysOpen() throws IOException {
        try (LocalFixture fixture = LocalFixture.start(socket()); LocalRawClient client = new LocalRawClient(socket())) {
            assertThat(client.call("<no-such-operation/>")).startsWith("<error");
            assertThat(client.call(LocalFixture.GET)).startsWith("<locations>");
            assertThat(fixture.server.requestsServed()).isEqualTo(2);
        }
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("non-numeric", "twelve " + LocalFixture.GET, "bad-frame"),
                Arguments.of("zero", "0 " + LocalFixture.GET, "bad-frame"),
                Arguments.of("missing space", LocalFixture.GET.length() + LocalFixture.GET, "bad-frame"),
                Arguments.of("above the maximum", "4097 " + LocalFixture.GET, "message-too-large"),
                Arguments.of("eleven digits", "12345678901 " + LocalFixture.GET, "bad-frame"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void aBadFrameGetsAnErrorReplyThenACloseAndTheNextClientIsServed(String name, String bytes, String code)
            throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofSeconds(30), Duration.ofSeconds(5), 4096, 100);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire)) {
            try (LocalRawClient hostile = new LocalRawClient(socket())) {
                hostile.sendRaw(bytes);
                assertThat(hostile.reply()).startsWith("<error").contains("type=\"Validation\"")
                        .contains("code=\"" + code + "\"");
                assertThat(hostile.closedByServer()).isTrue();
            }
            assertNextClientServed(fixture);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofMillis(300), Duration.ofSeconds(5), 4096, 100);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire); LocalRawClient client = new LocalRawClient(socket())) {
            assertThat(client.call(LocalFixture.GET)).startsWith("<locations>");
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.server.openConnections() == 0);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aSlowLorisFrameIsClosedAfterTheFrameTimeoutWithoutAnswer() throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofSeconds(30), Duration.ofMillis(400), 4096, 100);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire); LocalRawClient client = new LocalRawClient(socket())) {
            client.sendRaw("10 <a");
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.server.openConnections() == 0);
            assertThat(client.reply()).as("no reply, just the close").isNull();
            assertNextClientServed(fixture);
        }
    }

    @Test
    void aClientThatDoesNotReadItsRepliesIsClosedAfterTheFrameTimeout() throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofSeconds(30), Duration.ofMillis(300), 4096, 100);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire); LocalRawClient client = new LocalRawClient(socket())) {
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        client.send(LocalFixture.GET);
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
    void aRequestBeingHandledIsNotCutOffByTheFrameTimeout() throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofMillis(200), Duration.ofMillis(200), 4096, 100);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire); LocalRawClient client = new LocalRawClient(socket())) {
            client.send(LocalFixture.WAIT);
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.waiting.getCount() == 0);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                    .until(() -> fixture.server.openConnections() == 1);
            fixture.release();
            assertThat(client.reply()).startsWith("<locations>");
        }
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAndTheOthersKeepWorking() throws IOException {
        WireSettings wire = LocalFixture.wire(Duration.ofSeconds(30), Duration.ofSeconds(5), 4096, 2);
        try (LocalFixture fixture = LocalFixture.start(socket(), wire);
             LocalRawClient first = new LocalRawClient(socket());
             LocalRawClient second = new LocalRawClient(socket())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.server.openConnections() == 2);
            try (LocalRawClient third = new LocalRawClient(socket())) {
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(first.call(LocalFixture.GET)).startsWith("<locations>");
            assertThat(second.call(LocalFixture.GET)).startsWith("<locations>");
        }
    }

    @Test
    void aCallerTheMappingRefusesIsClosedWithoutBeingServed() throws IOException {
        try (LocalFixture fixture = LocalFixture.start(socket())) {
            fixture.refused = ME;
            try (LocalRawClient client = new LocalRawClient(socket())) {
                assertThat(client.closedByServer()).isTrue();
            }
            assertThat(fixture.mapped).hasSize(1);
            assertThat(fixture.server.openConnections()).isZero();
        }
    }

    @Test
    void theSocketFileIsWritableByAnyoneAndRemovedOnClose() throws IOException {
        Path socket = dir.resolve("run/sss/qm.sock");
        try (LocalFixture fixture = LocalFixture.start(socket)) {
            assertThat(fixture.server.socket()).isEqualTo(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw-rw-");
        }
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).as("the missing parent directory was created").isDirectory();
    }

    @Test
    void aStaleSocketFileIsReplaced() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertThat(socket()).as("closing a channel leaves its file behind").exists();
        try (LocalFixture fixture = LocalFixture.start(socket())) {
            assertNextClientServed(fixture);
        }
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing() throws IOException {
        try (LocalFixture first = LocalFixture.start(socket())) {
            assertThatThrownBy(() -> LocalFixture.start(socket()))
                    .isInstanceOf(IOException.class).hasMessage("another server is listening on " + socket());
            assertNextClientServed(first);
        }
    }

    @Test
    void aPathThatIsNotASocketIsLeftAloneAndRefused() throws IOException {
        Files.writeString(socket(), "precious");
        assertThatThrownBy(() -> LocalFixture.start(socket()))
                .isInstanceOf(IOException.class).hasMessageContaining(socket().toString()).hasMessageContaining("not a socket");
        assertThat(socket()).hasContent("precious");
    }

    @Test
    void closeLetsARequestInProgressFinishAndClosesIdleConnections() throws IOException {
        LocalFixture fixture = LocalFixture.start(socket());
        try (LocalRawClient busy = new LocalRawClient(socket()); LocalRawClient idle = new LocalRawClient(socket())) {
            assertThat(idle.call(LocalFixture.GET)).startsWith("<locations>");
            busy.send(LocalFixture.WAIT);
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.waiting.getCount() == 0);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(fixture.server::close);
            assertThat(idle.closedByServer()).isTrue();
            assertThat(socket()).as("no new connections while draining").doesNotExist();
            assertThat(closing).isNotDone();
            fixture.release();
            assertThat(busy.reply()).startsWith("<locations>");
            closing.join();
            assertThat(busy.closedByServer()).isTrue();
            assertThat(fixture.server.openConnections()).isZero();
        } finally {
            fixture.close();
        }
    }

    static void assertNextClientServed(LocalFixture fixture) throws IOException {
        try (LocalRawClient next = new LocalRawClient(fixture.socket)) {
            assertThat(next.call(LocalFixture.GET)).startsWith("<locations>").contains("<component>" + ME + "</component>");
        }
    }
}
