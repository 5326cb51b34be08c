package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the C side of the golden-message test (src/test/c/wire_golden_test.c, built with mpiexec's own wire code,
 * mpd_wire.c): what mpiexec sends must be the golden bytes, and what it parses must read as the golden fields.
 * {@link WireGoldenTest} holds the Java side to the same files.
 */
class WireGoldenNativeTest {
    @Test
    void mpiexecSpeaksTheGoldenMessages() throws Exception {
        Process process = new ProcessBuilder(Path.of("target", "native", "wire_golden_test").toString(),
                Path.of("src", "test", "resources", "wire").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).as(output).containsPattern("wire: \\d+ passed, 0 failed");
    }
}
