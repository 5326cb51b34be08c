package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PbsWalltimeTest {
    @ParameterizedTest
    @CsvSource({
            "59, 59",
            "0, 0",
            "90, 90",
            "1:30, 90",
            "90:00, 5400",
            "1:00:00, 3600",
            "10:59:59, 39599",
            "00:00:07, 7",
            "150:00:00, 540000",
            "100000:00:00, 360000000",
    })
    void acceptsSecondsMinutesAndHours(String text, long seconds) throws BadValueException {
        assertThat(Walltime.parse(text)).isEqualTo(seconds);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10:61:00    | minutes and seconds must be below 60",
            "1:00:60     | minutes and seconds must be below 60",
            "5:60        | minutes and seconds must be below 60",
            "1:2:3:4     | expected SS, MM:SS or HH:MM:SS",
            "-5          | must not be negative",
            "-1:00:00    | must not be negative",
            "aa          | expected SS, MM:SS or HH:MM:SS",
            "1:0a        | expected SS, MM:SS or HH:MM:SS",
            "''          | expected SS, MM:SS or HH:MM:SS",
            "1::00       | expected SS, MM:SS or HH:MM:SS",
            ":30         | expected SS, MM:SS or HH:MM:SS",
            "10:         | expected SS, MM:SS or HH:MM:SS",
            "+5          | expected SS, MM:SS or HH:MM:SS",
            "1.5         | expected SS, MM:SS or HH:MM:SS",
            "100000:00:01 | must be at most 100000:00:00",
            "99999999999999999999 | must be at most 100000:00:00",
    })
    void refusesBadDurations(String text, String reason) {
        assertThatThrownBy(() -> Walltime.parse(text)).isInstanceOf(BadValueException.class).hasMessage(reason);
    }

    @Test
    void formatsAsHoursMinutesSeconds() {
        assertThat(Walltime.format(0)).isEqualTo("00:00:00");
        assertThat(Walltime.format(3661)).isEqualTo("01:01:01");
        assertThat(Walltime.format(540000)).isEqualTo("150:00:00");
        assertThatIllegalArgumentException().isThrownBy(() -> Walltime.format(-1));
    }
}
