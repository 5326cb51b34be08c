package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.wire.Digest;
import org.sss.lib.xml.HostileCorpus;

/** Sends every hostile message to one running server and checks that it answers and keeps serving. */
class HostileWireTest {
    @TempDir
    static Path dir;
    static WireFixture fixture;

    @BeforeAll
    static void start() throws IOException {
        fixture = WireFixture.start(dir, Digest.HMAC_SHA256);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static List<Arguments> corpus() {
        return HostileCorpus.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachGetsAnErrorReplyAndTheConnectionAndTheNextClientAreServed(String name, byte[] payload, ErrorCode code)
            throws IOException {
        try (RawClient hostile = new RawClient(fixture.port())) {
            assertThat(hostile.authenticate(Digest.HMAC_SHA256, WireFixture.SUITE_SECRET)).isEqualTo('1');
            hostile.sendRaw((payload.length + " ").getBytes(StandardCharsets.US_ASCII));
            hostile.sendRaw(payload);
            String reply = hostile.reply();
            assertThat(reply).startsWith("<error").contains("code=\"" + code.wireCode() + "\"")
                    .contains("type=\"" + code.type().value() + "\"").doesNotContain("root:x:0:0");
            assertThat(hostile.call("<get-location><location><component>*</component></location></get-location>"))
                    .as("the same connection still works after a bad message").startsWith("<locations>");
        }
        WireServerTest.assertNextClientServed(fixture);
    }
}
