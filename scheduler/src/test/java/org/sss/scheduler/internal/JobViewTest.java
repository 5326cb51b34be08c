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
    void aJobIsFurtherInItsLifeWhenItHasStartedOrWasRequeuedAfterARun() {
        assertThat(JobView.later(job("1", JobState.RUNNING, 1), job("1", JobState.QUEUED, 0))).as("started").isTrue();
        assertThat(JobView.later(job("1", JobState.QUEUED, 1), job("1", JobState.RUNNING, 1)))
                .as("requeued after its first run (a requeue keeps the count of starts)").isTrue();
        assertThat(JobView.later(job("1", JobState.RUNNING, 2), job("1", JobState.QUEUED, 1))).as("started again").isTrue();
        assertThat(JobView.later(job("1", JobState.COMPLETED, 1), job("1", JobState.RUNNING, 1))).isTrue();
        assertThat(JobView.later(job("1", JobState.QUEUED, 0), job("1", JobState.RUNNING, 1))).isFalse();
        assertThat(JobView.later(job("1", JobState.QUEUED, 0), job("1", JobState.HELD, 0))).isFalse();
    }

    @Test
    void aRequeueFreesTheNodesOfTheRunItEndedWhicheverComesFirst() {
        JobView view = new JobView();
        JobType running = job("5", JobState.RUNNING, 1);
        running.setAllocated("node1");
        view.started(running);
        view.noteEvent(event(SuiteEvent.JOB_REQUEUED, job("5", JobState.QUEUED, 1)));
        assertThat(view.heldNodes()).as("the requeue comes after the run").isEmpty();
        assertThat(view.held()).extracting(j -> j.getState().value()).containsExactly("queued");

        JobView overtaken = new JobView();
        overtaken.noteEvent(event(SuiteEvent.JOB_REQUEUED, job("6", JobState.QUEUED, 1)));
        JobType reply = job("6", JobState.RUNNING, 1);
        reply.setAllocated("node2");
        overtaken.started(reply);
        assertThat(overtaken.heldNodes()).as("a start's reply behind the requeue of that run").isEmpty();
    }

    @Test
    void eventsThatComeDuringAFullReadAreNotLostByIt() throws Exception {
        JobView view = new JobView();
        org.sss.lib.client.InMemoryComponents components = new org.sss.lib.client.InMemoryComponents();
        components.stub(SchedulingPass.QUEUE_MANAGER).register("job-query", org.sss.schema.JobListType.class,
                (request, context) -> {
                    view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, job("2", JobState.QUEUED, 0)));
                    view.noteEvent(event(SuiteEvent.JOB_HELD, job("1", JobState.HELD, 0)));
                    org.sss.schema.Jobs snapshot = new org.sss.schema.Jobs();
                    snapshot.getJob().add(job("1", JobState.QUEUED, 0));
                    return snapshot;
                });
        assertThat(view.read(components, true)).as("job 2 submitted and job 1 held while the snapshot was on its way")
                .extracting(JobType::getId, j -> j.getState().value())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("2", "queued"));
    }

    @Test
    void aFullReadTakesEveryPageOfALargeQueue() throws Exception {
        JobView view = new JobView();
        int queued = org.sss.lib.client.JobPages.PAGE * 2 + 7;
        java.util.List<String> asked = new java.util.ArrayList<>();
        org.sss.lib.client.InMemoryComponents components = new org.sss.lib.client.InMemoryComponents();
        components.stub(SchedulingPass.QUEUE_MANAGER).register("job-query", org.sss.schema.JobListType.class,
                (request, context) -> {
                    asked.add(request.getLimit() + " after " + request.getAfter());
                    int from = request.getAfter() == null ? 1 : Integer.parseInt(request.getAfter()) + 1;
                    int to = Math.min(queued, from + request.getLimit() - 1);
                    org.sss.schema.Jobs page = new org.sss.schema.Jobs();
                    for (int id = from; id <= to; id++) {
                        page.getJob().add(job(String.valueOf(id), JobState.QUEUED, 0));
                    }
                    page.setMore(to < queued ? Boolean.TRUE : null);
                    return page;
                });
        assertThat(view.read(components, true)).hasSize(queued);
        assertThat(asked).containsExactly(org.sss.lib.client.JobPages.PAGE + " after null", org.sss.lib.client.JobPages.PAGE + " after " + org.sss.lib.client.JobPages.PAGE,
                org.sss.lib.client.JobPages.PAGE + " after " + 2 * org.sss.lib.client.JobPages.PAGE);
    }

    @Test
    void eventsAreAppliedAsTheyComeButNeverTakeAJobBack() {
        JobView view = new JobView();
        view.started(job("7", JobState.RUNNING, 1));
        view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, job("7", JobState.QUEUED, 0)));
        view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, job("8", JobState.QUEUED, 0)));
        assertThat(view.held()).extracting(JobType::getId, j -> j.getState().value())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7", "running"),
                        org.assertj.core.groups.Tuple.tuple("8", "queued"));
        view.noteEvent(event(SuiteEvent.JOB_FINISHED, job("7", JobState.COMPLETED, 1)));
        view.noteEvent(event(SuiteEvent.JOB_HELD, job("8", JobState.HELD, 0)));
        assertThat(view.held()).as("completed and held jobs leave the copy").isEmpty();
    }

    @Test
    void aStartsReplyArrivingAfterTheJobsEndDoesNotHoldItsNodes() {
        JobView view = new JobView();
        JobType running = job("9", JobState.RUNNING, 1);
        running.setAllocated("node1");
        view.noteEvent(event(SuiteEvent.JOB_FINISHED, job("9", JobState.COMPLETED, 1)));
        view.started(running);
        assertThat(view.held()).as("the run that already ended").isEmpty();
        assertThat(view.heldNodes()).isEmpty();

        view.noteEvent(event(SuiteEvent.JOB_REQUEUED, job("9", JobState.QUEUED, 1)));
        assertThat(view.held()).as("run again after its end").extracting(JobType::getId).containsExactly("9");
        JobType again = job("9", JobState.RUNNING, 2);
        again.setAllocated("node2");
        view.started(again);
        assertThat(view.heldNodes()).as("its second run holds its node").containsExactly("node2");
    }

    @Test
    void aDependentJobAnEventBringsWaitsForItsLookUp() {
        JobView view = new JobView();
        JobType dependent = job("11", JobState.QUEUED, 0);
        dependent.setDepend("afterok:10");
        view.noteEvent(event(SuiteEvent.JOB_SUBMITTED, dependent));
        assertThat(view.held()).singleElement().satisfies(job -> assertThat(job.isDependenciesMet())
                .as("an event does not say whether its dependencies are met: not until a lookup says so").isFalse());
    }
}
