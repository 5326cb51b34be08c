package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sbatch's --signal=[{R|B}:]SIG[@TIME] values. */
class EndSignalTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "USR1           | USR1@60",
            "B:USR1@120     | B:USR1@120",
            "SIGUSR2@0      | USR2@0",
            "10@30          | USR1@30",
            "R:TERM@5       | TERM@5",
            "RB:usr1@65535  | B:USR1@65535",
            "40@1           | 40@1",
    })
    void readsSlurmsFormsIntoOneStoredForm(String value, String stored) throws BadValueException {
        EndSignal signal = EndSignal.ofSlurm(value);
        assertThat(signal.toString()).isEqualTo(stored);
        assertThat(EndSignal.ofStored(stored)).isEqualTo(signal);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "USR1@65536 | the time before the limit must be at most 65535 seconds",
            "FOO        | unknown signal FOO",
            "65         | unknown signal 65",
            "X:USR1     | expected [B:]SIGNAL[@SECONDS], e.g. B:USR1@120",
            "BB:USR1    | expected [B:]SIGNAL[@SECONDS], e.g. B:USR1@120",
            "USR1@      | expected [B:]SIGNAL[@SECONDS], e.g. B:USR1@120",
            "USR1@-1    | expected [B:]SIGNAL[@SECONDS], e.g. B:USR1@120",
    })
    void refusesOtherForms(String value, String message) {
        assertThatThrownBy(() -> EndSignal.ofSlurm(value)).isInstanceOf(BadValueException.class).hasMessage(message);
    }
}
