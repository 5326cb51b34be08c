package org.sss.queuemanager.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sss.queuemanager.internal.pbs.BadValueException;

class SlurmTimeTest {
    @ParameterizedTest
    @CsvSource({
            "30, 1800",
            "90, 5400",
            "5:30, 330",
            "1:02:03, 3723",
            "2-0, 172800",
            "1-12, 129600",
            "1-2:30, 95400",
            "1-2:30:15, 95415",
            "0:45, 45",
            "UNLIMITED, 0",
            "infinite, 0",
            "0, 0",
            "0:00, 0",
    })
    void readsEverySlurmForm(String text, long seconds) throws BadValueException {
        assertThat(SlurmTime.parse(text)).isEqualTo(seconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1:2:3:4", "-5", "1-", "a", "1h", "1-2-3"})
    void refusesOtherShapes(String text) {
        assertThatThrownBy(() -> SlurmTime.parse(text)).isInstanceOf(BadValueException.class);
    }

    @Test
    void refusesALimitBeyondTheSuitesMaximum() {
        assertThatThrownBy(() -> SlurmTime.parse("5000-0")).hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({"0, 0:00", "65, 1:05", "3723, 1:02:03", "95415, 1-02:30:15"})
    void formatsAsSqueueShowsTimes(long seconds, String shown) {
        assertThat(SlurmTime.format(seconds)).isEqualTo(shown);
    }
}
