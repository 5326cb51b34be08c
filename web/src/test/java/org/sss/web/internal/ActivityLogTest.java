package org.sss.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.client.InMemoryComponents;
import org.sss.lib.error.SssException;
import org.sss.schema.Activity;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.GetEvents;
import org.sss.schema.JobState;
import org.sss.schema.JobType;
import org.sss.schema.PgType;

class ActivityLogTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:07:30Z");
    private final InMemoryComponents components = new InMemoryComponents();
    private final List<EventType> log = new ArrayList<>();
    private final List<Long> asked = new ArrayList<>();

    ActivityLogTest() {
        components.stub("event-manager").register("get-events", GetEvents.class, (request, context) -> {
            asked.add(request.getSince());
            Events reply = new Events();
            long next = request.getSince();
            for (EventType event : log) {
                if (event.getSeq() > request.getSince() && reply.getEvent().size() < request.getLimit()) {
                    reply.getEvent().add(event);
                    next = event.getSeq();
                }
            }
            reply.setNext(next);
            reply.setMore(false);
            return reply;
        });
    }

    @Test
    void busyNodesAndWaitingJobsAreAveragedPerQuarterHour() throws SssException {
        // Finished: waited 11:00-11:15, ran 11:15-11:45 on two nodes.
        log.add(jobEvent(1, "job-finished", job("7", "11:00", "11:15", "11:45", "n1 n2", JobState.COMPLETED)));
        JobType running = job("8", "11:50", "12:00", null, "n3", JobState.RUNNING);
        JobType waiting = job("9", "12:00", null, null, null, JobState.QUEUED);

        Activity activity = new ActivityLog(components).activity(List.of(running, waiting), 4, NOW);

        assertThat(activity.getSample()).hasSize(96);
        assertThat(activity.getNodes()).isEqualTo(4);
        assertThat(activity.getUntil()).isEqualTo(Instant.parse("2026-12-06T12:15:00Z"));
        assertThat(sample(activity, "11:00").getWaiting()).isEqualByComparingTo("1.00");
        assertThat(sample(activity, "11:00").getBusyNodes()).isEqualByComparingTo("0.00");
        assertThat(sample(activity, "11:15").getBusyNodes()).isEqualByComparingTo("2.00");
        assertThat(sample(activity, "11:30").getBusyNodes()).isEqualByComparingTo("2.00");
        assertThat(sample(activity, "11:45").getBusyNodes()).as("job 8 waited 11:50-12:00")
                .isEqualByComparingTo("0.00");
        assertThat(sample(activity, "11:45").getWaiting()).isEqualByComparingTo("0.67");
        assertThat(sample(activity, "12:00").getBusyNodes()).as("the current quarter, over its 7.5 minutes passed")
                .isEqualByComparingTo("1.00");
        assertThat(sample(activity, "12:00").getWaiting()).isEqualByComparingTo("1.00");
    }

    @Test
    void aJobsEventsIncludeItsGroupsAndTheLogIsReadOnwardFromWhereItStopped() throws SssException {
        log.add(jobEvent(1, "job-submitted", job("7", "11:00", null, null, null, JobState.QUEUED)));
        EventType groupEnd = new EventType();
        groupEnd.setSeq(2L);
        groupEnd.setComponent("process-manager");
        groupEnd.setMsg("process-group-end");
        PgType group = new PgType();
        group.setPgid("job-7-1");
        groupEnd.setProcessGroup(group);
        log.add(groupEnd);
        JobType done = job("7", "11:00", "11:15", "11:45", "n1", JobState.COMPLETED);
        done.setPgid("job-7-1");
        log.add(jobEvent(3, "job-finished", done));
        ActivityLog reader = new ActivityLog(components);

        assertThat(reader.eventsOf("7").getEvent()).extracting(EventType::getMsg)
                .containsExactly("job-submitted", "process-group-end", "job-finished");
        assertThat(reader.eventsOf("8").getEvent()).isEmpty();
        assertThat(asked).as("the second read starts after the last event seen").containsExactly(0L, 3L);
    }

    private static Activity.Sample sample(Activity activity, String hhmm) {
        Instant start = Instant.parse("2026-12-06T" + hhmm + ":00Z");
        return activity.getSample().stream().filter(s -> s.getStart().equals(start)).findFirst().orElseThrow();
    }

    private static EventType jobEvent(long seq, String msg, JobType job) {
        EventType event = new EventType();
        event.setSeq(seq);
        event.setComponent("queue-manager");
        event.setMsg(msg);
        event.setTime(NOW.minus(Duration.ofHours(1)));
        event.setJob(job);
        return event;
    }

    private static JobType job(String id, String submitted, String started, String ended, String nodes, JobState state) {
        JobType job = new JobType();
        job.setId(id);
        job.setUser("alice");
        job.setState(state);
        job.setSubmitted(at(submitted));
        job.setStarted(at(started));
        job.setEnded(at(ended));
        job.setAllocated(nodes);
        return job;
    }

    private static Instant at(String hhmm) {
        return hhmm == null ? null : Instant.parse("2026-12-06T" + hhmm + ":00Z");
    }
}
