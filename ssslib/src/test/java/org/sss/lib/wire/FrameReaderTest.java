package org.sss.lib.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.error.ErrorCode;

class FrameReaderTest {
    private static final int MAX = 1024;

    private static FrameReader reader(String bytes) {
        return new FrameReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.ISO_8859_1)), MAX, ReadTimeouts.NONE);
    }

    @Test
    void readsConsecutiveFramesAndThenACleanEnd() throws IOException {
        FrameReader reader = reader("5 <a/>x4 <b/>");
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("<a/>x");
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("<b/>");
        assertThat(reader.read()).isNull();
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAccepted() throws IOException {
        String payload = "x".repeat(MAX);
        assertThat(reader(MAX + " " + payload).read()).hasSize(MAX);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("zero length", "0 ", ErrorCode.BAD_FRAME, "byte count is 0"),
                Arguments.of("zero length with payload", "0 <a/>", ErrorCode.BAD_FRAME, "byte count is 0"),
                Arguments.of("negative", "-5 <a/>", ErrorCode.BAD_FRAME, "'-'"),
                Arguments.of("non-numeric", "abc <a/>", ErrorCode.BAD_FRAME, "'a'"),
                Arguments.of("xml without length", "<get-location/>", ErrorCode.BAD_FRAME, "'<'"),
                Arguments.of("missing space", "4<a/>", ErrorCode.BAD_FRAME, "followed by a space"),
                Arguments.of("digits then letters", "12ab <a/>", ErrorCode.BAD_FRAME, "followed by a space"),
                Arguments.of("only a space", " <a/>", ErrorCode.BAD_FRAME, "no byte count"),
                Arguments.of("too many digits", "12345678901 x", ErrorCode.BAD_FRAME, "more than 10 digits"),
                Arguments.of("over the maximum", (MAX + 1) + " x", ErrorCode.MESSAGE_TOO_LARGE, "larger than the maximum"),
                Arguments.of("far over the maximum", "9999999999 x", ErrorCode.MESSAGE_TOO_LARGE, "larger than the maximum"),
                Arguments.of("control byte", "\u0000", ErrorCode.BAD_FRAME, "byte 0x00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedLengthsAreRefusedWithTheirCode(String name, String bytes, ErrorCode code, String message) {
        assertThatThrownBy(() -> reader(bytes).read())
                .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void aPeerThatStopsMidMessageIsAnEofNotAFrame() {
        assertThatThrownBy(() -> reader("10 <a/>").read()).isInstanceOf(EOFException.class)
                .hasMessageContaining("4 of 10");
        assertThatThrownBy(() -> reader("12").read()).isInstanceOf(EOFException.class);
    }

    @Test
    void announcingALargeFrameDoesNotAllocateItUpFront() throws IOException {
        int big = 64 * 1024 * 1024;
        FrameReader reader = new FrameReader(new ByteArrayInputStream((big + " abc").getBytes(StandardCharsets.US_ASCII)),
                big, ReadTimeouts.NONE);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class).hasMessageContaining("3 of " + big);
    }

    @Test
    void writerAndReaderAgree() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(MAX);
        writer.write(out, "<é/>".getBytes(StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).startsWith("5 <");
        FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()), MAX, ReadTimeouts.NONE);
        assertThat(new String(reader.read(), StandardCharsets.UTF_8)).isEqualTo("<é/>");
        assertThatThrownBy(() -> writer.write(out, new byte[0])).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> writer.write(out, new byte[MAX + 1])).isInstanceOf(FrameException.class);
    }
}
