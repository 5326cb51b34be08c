package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.Location;

class SuiteSmokeTest {
    @TempDir
    Path dir;

    @Test
    void directoryListsItselfAndTheEventManager() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(suite.client().directory().list()).extracting(Location::component)
                            .contains("service-directory", "event-manager"));
        }
    }
}
