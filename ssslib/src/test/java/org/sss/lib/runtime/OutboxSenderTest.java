package org.sss.lib.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.store.Outbox;

/** A batch of events is bounded in characters as well as in events, so that it always fits a message. */
class OutboxSenderTest {
    private static Outbox.Pending event(long id, int chars) {
        return new Outbox.Pending(id, Instant.EPOCH, "job-submitted", "x".repeat(chars));
    }

    @Test
    void aBatchStopsBeforeTheEventThatWouldTakeItPastItsCharactersButHoldsAtLeastOne() {
        int third = OutboxSender.BATCH_CHARS / 3 + 1;
        List<Outbox.Pending> pending = List.of(event(1, third), event(2, third), event(3, third), event(4, 10));
        assertThat(OutboxSender.withinChars(pending)).extracting(Outbox.Pending::id).containsExactly(1L, 2L);
        assertThat(OutboxSender.withinChars(List.of(event(5, OutboxSender.BATCH_CHARS * 3))))
                .as("one event larger than a batch still goes alone").hasSize(1);
        assertThat(OutboxSender.withinChars(List.of(event(6, 10), event(7, 10)))).hasSize(2);
    }
}
