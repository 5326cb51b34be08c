package org.sss.queuemanager.internal.pbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PbsArraySpecTest {
    @Test
    void expandsRangesListsAndSteps() throws BadValueException {
        assertThat(ArraySpec.parse("1-5").indices()).containsExactly(1, 2, 3, 4, 5);
        assertThat(ArraySpec.parse("1,3,7").indices()).containsExactly(1, 3, 7);
        assertThat(ArraySpec.parse("0-10:2").indices()).containsExactly(0, 2, 4, 6, 8, 10);
        assertThat(ArraySpec.parse("0-9:4").indices()).containsExactly(0, 4, 8);
        assertThat(ArraySpec.parse("7").indices()).containsExactly(7);
    }

    @Test
    void sortsAndDropsDuplicates() throws BadValueException {
        assertThat(ArraySpec.parse("9,1-3,2,0").indices()).containsExactly(0, 1, 2, 3, 9);
    }

    @Test
    void keepsTheTextAndTheLimit() throws BadValueException {
        ArraySpec spec = ArraySpec.parse("1-100%10");
        assertThat(spec.text()).isEqualTo("1-100%10");
        assertThat(spec.indices()).hasSize(100).startsWith(1, 2).endsWith(100);
        assertThat(spec.maxRunning()).contains(10);
        assertThat(ArraySpec.parse("1-3").maxRunning()).isEmpty();
    }

    @Test
    void acceptsExactlyTheMaximumNumberOfIndices() throws BadValueException {
        assertThat(ArraySpec.parse("0-9999").indices()).isEqualTo(IntStream.range(0, 10_000).boxed().toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''              | the index list is empty",
            "%5              | the index list is empty",
            "1,,3            | empty item in the index list",
            "1,              | empty item in the index list",
            "-1              | indices must not be negative",
            "-3-5            | indices must not be negative",
            "1--5            | indices must not be negative",
            "5-1             | range 5-1 is reversed",
            "0-10:0          | step must be at least 1",
            "0-10000         | more than 10000 indices",
            "0-2000000000    | more than 10000 indices",
            "0-9999,10000    | more than 10000 indices",
            "1-5%0           | the limit after % must be at least 1",
            "1-5%9999999999  | the limit after % is too large",
            "1-5%            | expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT",
            "1-5%x           | expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT",
            "a-b             | expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT",
            "5:2             | expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT",
            "99999999999     | index 99999999999 is too large",
    })
    void refusesBadRequests(String text, String reason) {
        assertThatThrownBy(() -> ArraySpec.parse(text)).isInstanceOf(BadValueException.class).hasMessage(reason);
    }
}
