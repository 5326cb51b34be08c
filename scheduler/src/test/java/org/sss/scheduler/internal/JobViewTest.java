package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sss.lib.runtime.Events;
import org.sss.schema.EventType;
import org.sss.schema.JobState;
import org.sss.schema.JobType;
import org.sss.schema.SuiteEvent;

/** How the job view takes in the queue manager's typed events. */
class JobViewTest {
    private static JobType job(String id, JobState state, int runs) {
        JobType job = new JobType();
        job.setId(id);
        job.setState(state);
        job.setRuns(runs);
        return job;
    }

    private static EventType event(SuiteEvent name, JobType job) {
        return Events.job(name, "queue-manager", job);
    }

    @Test
    void aJobIsFurtherInItsLifeWhenItRunsAgainOrHasStarted() {
        assertThat(JobView.later(job("1", JobState.RUNNING, 0), job("1", JobState.QUEUED, 0))).isTrue();
        assertThat(JobView.later(job("1", JobState.QUEUED, 1), job("1", JobState.COMPLETED, 0))).as("requeued").isTrue();
        assertThat(JobView.later(job("1", JobState.QUEUED, 0), job("1", JobState.RUNNING, 0))).isFalse();
        assertThat(JobView.later(job("1", JobState.QUEUED, 0), job("1", JobState.HELD, 0))).isFalse();
    }

    @Test
    void eventsAreAppliedAsTheyComeButNeverTakeAJobBack() {
        JobView view = new JobView();
        view.started(job("7", JobState.RUNNING, 0));
        view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, job("7", JobState.QUEUED, 0)));
        view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, job("8", JobState.QUEUED, 0)));
        assertThat(view.held()).extracting(JobType::getId, j -> j.getState().value())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7", "running"),
                        org.assertj.core.groups.Tuple.tuple("8", "queued"));
        view.noteEvent(event(SuiteEvent.JOB_FINISHED, job("7", JobState.COMPLETED, 0)));
        view.noteEvent(event(SuiteEvent.JOB_HELD, job("8", JobState.HELD, 0)));
        assertThat(view.held()).as("completed and held jobs leave the copy").isEmpty();
    }
}
