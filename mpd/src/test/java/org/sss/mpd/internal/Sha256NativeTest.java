package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the C SHA-256/HMAC test vectors (src/test/c/sha256_test.c) the build compiled, which mpiexec's answer relies on. */
class Sha256NativeTest {
    @Test
    void theCImplementationMatchesTheFipsAndRfc4231Vectors() throws Exception {
        Path binary = Path.of("target", "native", "sha256_test");
        Process process = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("sha256: 5 passed, 0 failed");
    }
}
