package org.sss.mpd.internal.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The name service's bodies: any string survives a line, and a bad body is refused. */
class NameLinesTest {
    @Test
    void fieldsWithBlanksEscapesNewlinesAndUtf8RoundTrip() {
        List<List<String>> lines = List.of(List.of("key one", "a=b%c\nd\te"), List.of("clé", ""), List.of("x"));
        byte[] body = NameLines.encode(lines);
        assertThat(new String(body, StandardCharsets.US_ASCII))
                .isEqualTo("key%20one a%3db%25c%0ad%09e\ncl%c3%a9 \nx\n");
        assertThat(NameLines.decode(body, 3)).isEqualTo(lines);
    }

    @Test
    void tooManyLinesOrABadEscapeIsRefused() {
        byte[] body = NameLines.encode(List.of(List.of("a"), List.of("b")));
        assertThatThrownBy(() -> NameLines.decode(body, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NameLines.decode("a%4".getBytes(StandardCharsets.US_ASCII), 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NameLines.decode("a%zz".getBytes(StandardCharsets.US_ASCII), 5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
