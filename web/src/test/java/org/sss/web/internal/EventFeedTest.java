package org.sss.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sss.lib.runtime.Events;
import org.sss.schema.EventType;
import org.sss.schema.JobState;
import org.sss.schema.JobType;
import org.sss.schema.SuiteEvent;

class EventFeedTest {
    private static EventType event(long seq, String data) {
        EventType event = new EventType();
        event.setSeq(seq);
        event.setComponent("queue-manager");
        event.setMsg("job-submitted");
        event.setData(data);
        return event;
    }

    @Test
    void eventsReachOpenStreamsAsXmlAndAreKeptForLaterPages() throws InterruptedException {
        EventFeed feed = new EventFeed();
        try (EventFeed.Stream stream = feed.open()) {
            feed.publish(event(1, "id=1 user=<alice>"));
            assertThat(stream.next(1000)).isEqualTo(
                    "<event seq=\"1\" component=\"queue-manager\" msg=\"job-submitted\" data=\"id=1 user=&lt;alice&gt;\"/>");
            assertThat(stream.next(10)).isEmpty();
        }
        for (int i = 2; i <= EventFeed.BACKLOG + 10; i++) {
            feed.publish(event(i, "x"));
        }
        assertThat(feed.recent()).hasSize(EventFeed.BACKLOG);
        assertThat(feed.recent().getFirst()).contains("seq=\"11\"");
    }

    @Test
    void aTypedEventIsShownAsOneReadableLine() throws InterruptedException {
        EventFeed feed = new EventFeed();
        try (EventFeed.Stream stream = feed.open()) {
            JobType job = new JobType();
            job.setId("17");
            job.setUser("alice");
            job.setQueue("batch");
            job.setState(JobState.COMPLETED);
            job.setAllocated("node1 node2");
            job.setExitStatus(3);
            EventType finished = Events.job(SuiteEvent.JOB_FINISHED, "queue-manager", job);
            finished.setSeq(4L);
            finished.setTime(null);
            feed.publish(finished);
            assertThat(stream.next(1000)).isEqualTo("<event seq=\"4\" component=\"queue-manager\" msg=\"job-finished\""
                    + " data=\"job 17 of alice in batch, completed on node1 node2, exit status 3\"/>");
        }
    }

    @Test
    void aStreamThatFallsBehindIsDroppedAndTheNumberOfStreamsIsBounded() throws InterruptedException {
        EventFeed feed = new EventFeed();
        EventFeed.Stream slow = feed.open();
        for (int i = 0; i <= EventFeed.CLIENT_QUEUE; i++) {
            feed.publish(event(i, "x"));
        }
        assertThatThrownBy(() -> slow.next(10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("behind");
        slow.close();
        for (int i = 0; i < EventFeed.MAX_STREAMS; i++) {
            assertThat(feed.open()).isNotNull();
        }
        assertThat(feed.open()).isNull();
        feed.close();
    }
}
