package org.sss.servicedirectory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sss.lib.client.Location;

class LeaseSweeperTest {
    @Test
    void anExpiredLeaseIsRemovedAndAnnouncedAsComponentDown() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        LocationTable table = new LocationTable(Duration.ofSeconds(3));
        List<String> events = new CopyOnWriteArrayList<>();
        table.register(new Location("probe", "h", "9", "challenge", "1.0", "1", null, null), now.get());
        try (LeaseSweeper sweeper = new LeaseSweeper(table, event -> events.add(LocationOperationsTest.line(event)), clock,
                Duration.ofDays(1))) {
            now.set(now.get().plusSeconds(2));
            sweeper.sweep();
            assertThat(table.size()).isEqualTo(1);
            now.set(now.get().plusSeconds(1));
            sweeper.sweep();
            assertThat(table.size()).isZero();
            assertThat(events).containsExactly("probe component-down h:9 lease expired");
        }
    }
}
