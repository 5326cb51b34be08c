package org.sss.queuemanager.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sss.queuemanager.internal.pbs.BadValueException;

class OutputPatternTest {
    private static final OutputPattern.Fields ELEMENT = new OutputPattern.Fields("17_3", "17", "3", "run", "alice");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "slurm-%j.out | slurm-17_3.out",
            "slurm-%A_%a.out | slurm-17_3.out",
            "%x-%u.log | run-alice.log",
            "100%%-%a | 100%-3",
            "t%4a.out | t0003.out",
            "plain.out | plain.out",
    })
    void replacesEachField(String pattern, String name) throws BadValueException {
        assertThat(OutputPattern.substitute(pattern, ELEMENT)).isEqualTo(name);
    }

    @Test
    void refusesUnsupportedFieldsAndATrailingPercent() {
        assertThatThrownBy(() -> OutputPattern.check("x-%N")).hasMessageContaining("%N is not supported");
        assertThatThrownBy(() -> OutputPattern.check("x-%")).hasMessageContaining("% at the end");
    }
}
