package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.Location;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;

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

    @Test
    void aComponentThatIsNotRegisteredIsItsOwnErrorNotMissingData() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir))) {
            assertThatThrownBy(() -> suite.client().directory().locate("queue-manager"))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED))
                    .hasMessageContaining("queue-manager is not registered");
        }
    }
}
