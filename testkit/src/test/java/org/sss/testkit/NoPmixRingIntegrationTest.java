package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a ring whose mpds have no PMIx server (as where libpmix-dev was missing at build time; here
 * {@code --pmix-helper} names none) still runs MPICH programs, says once that it serves PMI-1 only, and fails a job
 * that asks for PMIx only with a message saying why.
 */
class NoPmixRingIntegrationTest {
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.start(dir, 2, 210, "--pmix-helper", "/nonexistent/sss-pmix");
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    @Test
    void mpichRunsAndEachMpdSaysOnceThatItServesPmi1Only() throws IOException {
        LocalRing.Result result = ring.mpiexec("-n", "4", MpiPrograms.path("allreduce"));
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.lines()).containsExactly("allreduce ok 10");
        ring.mpiexec("-n", "2", "true");
        for (String host : ring.hosts()) {
            String log = Files.readString(dir.resolve("logs").resolve("mpd-" + host + ".log"));
            assertThat(log.split("serving PMI-1 only", -1)).as(log).hasSize(2);
        }
    }

    @Test
    void aJobThatAsksForPmixOnlyFailsSayingWhy() {
        LocalRing.Result result = ring.mpiexec("--pmi", "pmix", "-n", "2", "true");
        assertThat(result.exit()).isEqualTo(127);
        assertThat(result.stderr()).contains("PMIx only").contains("serves no PMIx");
    }
}
