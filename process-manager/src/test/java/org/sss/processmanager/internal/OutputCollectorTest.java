package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCollectorTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void labelModePrefixesWholeLinesPerRankAndStream() {
        OutputCollector output = new OutputCollector("label", 1 << 20);
        output.add(0, null, 1, bytes("hel"));
        output.add(1, null, 1, bytes("one\ntw"));
        output.add(0, null, 1, bytes("lo\n"));
        output.add(0, null, 2, bytes("oops\n"));
        output.add(-1, "node2", 1, bytes("attached\n"));
        output.add(1, null, 1, bytes("o"));
        output.finish();
        assertThat(text(output.stdout())).isEqualTo("1: one\n0: hello\nco-process node2: attached\n1: two\n");
        assertThat(text(output.stderr())).isEqualTo("0: oops\n");
    }

    @Test
    void outputWithoutNewlinesInLabelModeKeepsNoMoreThanTheLimit() throws Exception {
        OutputCollector output = new OutputCollector("label", 1000);
        java.lang.reflect.Field partial = OutputCollector.class.getDeclaredField("partial");
        partial.setAccessible(true);
        byte[] zeros = new byte[64 * 1024];
        for (int i = 0; i < 200; i++) {
            output.add(0, null, 1, zeros);
        }
        long held = ((java.util.Map<?, ?>) partial.get(output)).values().stream()
                .mapToLong(line -> ((java.io.ByteArrayOutputStream) line).size()).sum();
        assertThat(held).as("12.5 MiB without a newline: no more than the stream's limit held").isLessThanOrEqualTo(1000);
        output.finish();
        assertThat(output.stdout().length).isLessThanOrEqualTo(1000);
        assertThat(output.stdoutTruncated()).isTrue();
    }

    @Test
    void mergedKeepsBytesAsTheyCameAndDiscardKeepsNothing() {
        OutputCollector merged = new OutputCollector("merged", 1 << 20);
        merged.add(0, null, 1, bytes("a"));
        merged.add(1, null, 1, bytes("b\n"));
        assertThat(text(merged.stdout())).isEqualTo("ab\n");
        OutputCollector discard = new OutputCollector("discard", 1 << 20);
        discard.add(0, null, 1, bytes("a\n"));
        assertThat(discard.stdout()).isEmpty();
    }

    @Test
    void eachStreamStopsAtTheLimitAndSaysSo() {
        OutputCollector output = new OutputCollector("merged", 5);
        output.add(0, null, 1, bytes("1234"));
        output.add(0, null, 1, bytes("5678"));
        output.add(0, null, 2, bytes("ab"));
        assertThat(text(output.stdout())).isEqualTo("12345");
        assertThat(output.stdoutTruncated()).isTrue();
        assertThat(output.stderrTruncated()).isFalse();
        output.reset();
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stdoutTruncated()).isFalse();
    }
}
