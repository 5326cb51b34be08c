package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpdMessageTest {
    @Test
    void fieldsAndBodyRoundTripWithAwkwardValues() throws MalformedMessageException {
        byte[] body = {0, 1, 2, '\n', (byte) 0xff, ' ', '='};
        MpdMessage message = MpdMessage.of("job-out").with("jid", "3@127.0.0.2").with("why", "a b=c%d\nü")
                .with("absent", null).body(body).build();
        MpdMessage back = MpdMessage.parse(message.encode());
        assertThat(back.cmd()).isEqualTo("job-out");
        assertThat(back.get("jid")).isEqualTo("3@127.0.0.2");
        assertThat(back.get("why")).isEqualTo("a b=c%d\nü");
        assertThat(back.fields()).doesNotContainKey("absent");
        assertThat(back.body()).isEqualTo(body);
        assertThat(back.payload()).as("a received message is passed on as received").isEqualTo(message.encode());
    }

    @Test
    void numbersAreCheckedWhenAsked() throws MalformedMessageException {
        MpdMessage message = MpdMessage.parse("cmd=x n=12 s=abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(message.number("n")).isEqualTo(12);
        assertThat(message.number("missing", 7)).isEqualTo(7);
        assertThatThrownBy(() -> message.number("s")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> message.require("missing")).hasMessageContaining("without missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x=1", "cmd=", "cmd=a  b=1", "cmd=a b", "cmd=a =1", "cmd=a B=1", "cmd=a b=1 b=2",
            "cmd=a b=%zz", "cmd=a b=%4", "cmd=a thiskeyislongerthanthirtytwocharacters=1"})
    void malformedHeadersAreRefused(String header) {
        assertThatThrownBy(() -> MpdMessage.parse(header.getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(MalformedMessageException.class);
    }
}
