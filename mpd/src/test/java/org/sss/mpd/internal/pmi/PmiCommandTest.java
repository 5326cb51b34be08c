package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PmiCommandTest {
    @Test
    void parsesMpichsLines() throws PmiProtocolException {
        PmiCommand put = PmiCommand.parse("cmd=put kvsname=kvs_1 key=-bcast-1-0 value=2F6465762F73686D");
        assertThat(put.cmd()).isEqualTo("put");
        assertThat(put.require("key")).isEqualTo("-bcast-1-0");
        assertThat(put.fields()).containsKeys("kvsname", "key", "value");
        assertThat(PmiCommand.parse("cmd=barrier_in").fields()).isEmpty();
        assertThat(PmiCommand.parse("mcmd=spawn").cmd()).isEqualTo("mcmd:spawn");
        assertThat(PmiCommand.parse("cmd=initack pmiid=3").integer("pmiid")).isEqualTo(3);
        assertThat(PmiCommand.parse("  cmd=get  kvsname=k   key=x ").require("key")).isEqualTo("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "put key=x", "key=x cmd=put", "cmd=", "cmd=put key", "cmd=put =x", "cmd=put key=a key=b"})
    void malformedLinesAreRefused(String line) {
        assertThatThrownBy(() -> PmiCommand.parse(line)).isInstanceOf(PmiProtocolException.class);
    }

    @Test
    void oversizeKeysValuesAndLinesAreRefused() {
        assertThatThrownBy(() -> PmiCommand.parse("cmd=put " + "k".repeat(65) + "=v"))
                .hasMessageContaining("key longer than 64");
        assertThatThrownBy(() -> PmiCommand.parse("cmd=put key=k value=" + "v".repeat(1025)))
                .hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> PmiCommand.parse("cmd=put " + "x=y ".repeat(600))).hasMessageContaining("line longer");
    }

    @Test
    void errorExcerptsArePrintableAndShort() {
        assertThatThrownBy(() -> PmiCommand.parse("cmd=put \u0001\u0002" + "z".repeat(100)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0001").hasSizeLessThan(80));
    }
}
