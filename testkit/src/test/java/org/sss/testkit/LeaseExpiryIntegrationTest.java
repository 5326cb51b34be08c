package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.Location;
import org.sss.lib.runtime.Subscriptions;
import org.sss.schema.EventType;

class LeaseExpiryIntegrationTest {
    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private static boolean listed(SssTestSuite suite, String component) throws Exception {
        return suite.client().directory().list().stream().anyMatch(l -> l.component().equals(component));
    }

    @Test
    void aKilledComponentDisappearsWhenItsLeaseExpiresAndComponentDownIsPublished() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).leases(LEASE, Duration.ofMillis(500)));
             RecordingSubscriber watcher = RecordingSubscriber.start(suite.config(), "watcher", null,
                     Subscriptions.filter("probe", "component-*", null));
             ForkedComponent probe = ForkedComponent.start("probe", ProbeComponentMain.class, dir.resolve("log"),
                     "probe", "--config", suite.configFile().toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> listed(suite, "probe"));
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.events().stream()
                    .anyMatch(e -> e.getMsg().equals("component-up")));

            long killedAt = System.nanoTime();
            probe.kill9();
            assertThat(listed(suite, "probe")).as("still listed right after the kill: the lease has not run out").isTrue();
            await().atMost(LEASE.plusSeconds(3)).until(() -> !listed(suite, "probe"));
            Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(gone).isLessThan(LEASE.plusSeconds(3));

            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.events().stream()
                    .anyMatch(e -> e.getMsg().equals("component-down")));
            EventType down = watcher.events().stream().filter(e -> e.getMsg().equals("component-down")).findFirst().orElseThrow();
            assertThat(down.getComponent()).isEqualTo("probe");
            assertThat(down.getRegistration().getReason()).isEqualTo("lease expired");
        }
    }

    @Test
    void aCleanlyStoppedComponentDeregistersAtOnce() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).leases(Duration.ofSeconds(60), Duration.ofSeconds(20)));
             RecordingSubscriber watcher = RecordingSubscriber.start(suite.config(), "watcher", null,
                     Subscriptions.filter("probe", "component-down", null));
             ForkedComponent probe = ForkedComponent.start("probe", ProbeComponentMain.class, dir.resolve("log"),
                     "probe", "--config", suite.configFile().toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> listed(suite, "probe"));
            assertThat(probe.stop(Duration.ofSeconds(10))).as("clean exit on SIGTERM").isZero();
            assertThat(listed(suite, "probe")).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.events().isEmpty());
            assertThat(watcher.events().getFirst().getRegistration().getReason()).isEqualTo("deregistered");
            assertThat(suite.client().directory().list()).extracting(Location::component).doesNotContain("probe");
        }
    }
}
