package org.sss.eventmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.schema.EventType;

/** The newest events in memory: answered in order only, never past a gap, never losing one not yet read in order. */
class RecentEventsTest {
    private static LoggedEvent event(long seq) {
        EventType event = new EventType();
        event.setSeq(seq);
        event.setComponent("queue-manager");
        event.setMsg("job-submitted");
        return new LoggedEvent(event, "<event seq=\"" + seq + "\"/>");
    }

    private static List<Long> seqs(EventLog.Page page) {
        return page.typed().stream().map(EventType::getSeq).toList();
    }

    @Test
    void aReadFromBeyondTheLastEventHeldInOrderFindsNothingYet() {
        RecentEvents recent = new RecentEvents(10, 0);
        recent.add(List.of(event(1), event(3)));
        EventLog.Page beyond = recent.after(2, 10, List.of());
        assertThat(beyond.events()).as("2 is not here yet: nothing after it is answered").isEmpty();
        assertThat(beyond.scannedTo()).isEqualTo(2);
        assertThat(recent.after(99, 10, List.of()).events()).as("far beyond the head").isEmpty();
        assertThat(seqs(recent.after(0, 10, List.of()))).containsExactly(1L);
    }

    @Test
    void eventsNotYetHeldInOrderAreNotEvictedPastTheCapacity() {
        RecentEvents recent = new RecentEvents(2, 0);
        recent.add(List.of(event(2), event(3), event(4)));
        recent.add(List.of(event(1)));
        assertThat(recent.after(0, 10, List.of())).as("1 and 2 went once 4 were in order").isNull();
        assertThat(seqs(recent.after(2, 10, List.of()))).containsExactly(3L, 4L);
    }

    @Test
    void aPushIsBoundedInCharactersButCarriesAtLeastOneEvent() {
        int third = SubscriberDelivery.PUSH_CHARS / 3 + 1;
        List<LoggedEvent> events = List.of(sized(1, third), sized(2, third), sized(3, third));
        assertThat(SubscriberDelivery.withinChars(events)).extracting(e -> e.event().getSeq()).containsExactly(1L, 2L);
        assertThat(SubscriberDelivery.withinChars(List.of(sized(4, SubscriberDelivery.PUSH_CHARS * 2)))).hasSize(1);
    }

    private static LoggedEvent sized(long seq, int chars) {
        return new LoggedEvent(event(seq).event(), "x".repeat(chars));
    }
}
