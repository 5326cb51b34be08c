package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** qsub -a's and sbatch --begin's times, read at a fixed now (2026-12-07 10:00 in Paris). */
class BeginTimeTest {
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 12, 7, 10, 0, 0, 0, ZoneId.of("Europe/Paris"));

    private static Instant local(String text) {
        return java.time.LocalDateTime.parse(text).atZone(NOW.getZone()).toInstant();
    }

    @ParameterizedTest
    @CsvSource({
            "2330,            2026-12-07T23:30:00",
            "0930,            2026-12-08T09:30:00",
            "1005.30,         2026-12-07T10:05:30",
            "061200,          2027-01-06T12:00:00",
            "08120800,        2027-08-12T08:00:00",
            "12080800,        2026-12-08T08:00:00",
            "01020800,        2027-01-02T08:00:00",
            "2612240800,      2026-12-24T08:00:00",
            "202501010000,    2025-01-01T00:00:00",
    })
    void readsQsubsForms(String value, String expected) throws BadValueException {
        assertThat(BeginTime.ofPbs(value, NOW)).isEqualTo(local(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "now,                 2026-12-07T10:00:00",
            "now+90,              2026-12-07T10:01:30",
            "now+2hours,          2026-12-07T12:00:00",
            "now+1day,            2026-12-08T10:00:00",
            "now+1week,           2026-12-14T10:00:00",
            "23:30,               2026-12-07T23:30:00",
            "09:15:20,            2026-12-08T09:15:20",
            "4:00 pm,             2026-12-07T16:00:00",
            "midnight,            2026-12-08T00:00:00",
            "noon,                2026-12-07T12:00:00",
            "teatime,             2026-12-07T16:00:00",
            "today,               2026-12-07T00:00:00",
            "tomorrow,            2026-12-08T00:00:00",
            "12/24,               2026-12-24T00:00:00",
            "01/02/27,            2027-01-02T00:00:00",
            "2026-12-24,          2026-12-24T00:00:00",
            "2026-12-24T08:30,    2026-12-24T08:30:00",
            "2026-12-24T08:30:15, 2026-12-24T08:30:15",
    })
    void readsSbatchsForms(String value, String expected) throws BadValueException {
        assertThat(BeginTime.ofSlurm(value, NOW)).isEqualTo(local(expected));
    }

    @org.junit.jupiter.api.Test
    void datesThatHavePassedMoveToTheNextMonthOrYearThatHasThem() throws BadValueException {
        ZoneId paris = NOW.getZone();
        ZonedDateTime endOfJanuary = ZonedDateTime.of(2027, 1, 31, 13, 0, 0, 0, paris);
        assertThat(BeginTime.ofPbs("301200", endOfJanuary)).as("February has no 30th")
                .isEqualTo(java.time.LocalDateTime.parse("2027-03-30T12:00:00").atZone(paris).toInstant());
        ZonedDateTime firstOfMarch = ZonedDateTime.of(2028, 3, 1, 0, 0, 0, 0, paris);
        assertThat(BeginTime.ofPbs("02291200", firstOfMarch)).as("the next 29 February")
                .isEqualTo(java.time.LocalDateTime.parse("2032-02-29T12:00:00").atZone(paris).toInstant());
        ZonedDateTime december = ZonedDateTime.of(2026, 12, 20, 9, 0, 0, 0, paris);
        assertThat(BeginTime.ofSlurm("01/15", december)).as("a date without a year that has passed: next year's")
                .isEqualTo(java.time.LocalDateTime.parse("2027-01-15T00:00:00").atZone(paris).toInstant());
        ZonedDateTime afterTheClockChange = ZonedDateTime.of(2027, 3, 28, 4, 0, 0, 0, paris);
        assertThat(BeginTime.ofSlurm("02:30", afterTheClockChange)).as("tomorrow's 02:30, not an hour late")
                .isEqualTo(java.time.LocalDateTime.parse("2027-03-29T02:30:00").atZone(paris).toInstant());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "slurm | now+3000000days | no such time",
            "pbs   | 2500      | no such time",
            "pbs   | 12345     | expected [[[[CC]YY]MM]DD]hhmm[.SS]",
            "pbs   | 1302300000 | no such time",
            "slurm | later     | expected now[+N",
            "slurm | 13:00 pm  | no such time",
            "slurm | 2026-02-30 | no such time",
            "slurm | now+5fortnights | expected now[+N",
    })
    void refusesWhatIsNoTime(String form, String value, String message) {
        assertThatThrownBy(() -> {
            if (form.equals("pbs")) {
                BeginTime.ofPbs(value, NOW);
            } else {
                BeginTime.ofSlurm(value, NOW);
            }
        }).isInstanceOf(BadValueException.class).hasMessageStartingWith(message);
    }
}
