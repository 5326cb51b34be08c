package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class HistoryCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void timesAreDatesDateTimesOrAges() throws CliException {
        assertThat(HistoryCommand.when("--since", "7d", NOW)).isEqualTo(Instant.parse("2026-11-29T12:00:00Z"));
        assertThat(HistoryCommand.when("--since", "12h", NOW)).isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
        assertThat(HistoryCommand.when("--since", "30m", NOW)).isEqualTo(Instant.parse("2026-12-06T11:30:00Z"));
        assertThat(HistoryCommand.when("--since", "2026-12-01", NOW))
                .isEqualTo(LocalDate.of(2026, 12, 1).atStartOfDay(ZoneId.systemDefault()).toInstant());
        assertThat(HistoryCommand.when("--since", "2026-12-01T08:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(HistoryCommand.when("--since", "2026-12-01T08:00+02:00", NOW))
                .isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
    }

    @Test
    void aTimeItCannotReadIsAUsageError() {
        assertThatThrownBy(() -> HistoryCommand.when("--since", "yesterday", NOW)).isInstanceOf(CliException.class)
                .hasMessageContaining("--since yesterday").extracting(e -> ((CliException) e).status())
                .isEqualTo(ExitStatus.USAGE);
    }

    @Test
    void sizesAreShownInBinaryUnits() {
        assertThat(HistoryCommand.bytes(null)).isEqualTo("-");
        assertThat(HistoryCommand.bytes("512")).isEqualTo("512 B");
        assertThat(HistoryCommand.bytes("104857600")).isEqualTo("100.0 MB");
    }
}
