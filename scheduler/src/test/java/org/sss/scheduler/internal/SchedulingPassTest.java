package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A waiting job's place in line: its queue's priority first, then its own {@code -p}, then its age. */
class SchedulingPassTest {
    @Test
    void aQueuesPriorityComesBeforeAnythingAJobSaysOfItself() {
        long highQueueLowest = SchedulingPass.priority(1, -1024, Duration.ZERO);
        long lowQueueHighest = SchedulingPass.priority(0, 1023, Duration.ofDays(30));
        assertThat(highQueueLowest).isGreaterThan(lowQueueHighest);
        assertThat(SchedulingPass.priority(0, 1, Duration.ZERO)).as("-p before age")
                .isGreaterThan(SchedulingPass.priority(0, 0, Duration.ofDays(30)));
        assertThat(SchedulingPass.priority(0, 0, Duration.ofMinutes(5))).isGreaterThan(SchedulingPass.priority(0, 0, Duration.ZERO));
        assertThat(SchedulingPass.priority(-1, 1023, Duration.ofDays(1))).isLessThan(SchedulingPass.priority(0, -1024, Duration.ZERO));
    }
}
