package org.sss.queuemanager.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.SssException;
import org.sss.lib.util.BoundedMap;
import org.sss.schema.PgType;
import org.sss.schema.SuiteEvent;

/**
 * Records how running jobs' groups end, the other half of {@link JobRunner}: a group's end (from the process
 * manager's {@code process-group-end} event) completes its job, or puts it back in the queue when an exiting requeue
 * asked for it or the ring could not launch it (up to {@value #MAX_UNLAUNCHED} times in a row); every end is
 * committed, with its event and the group's durable release, before anyone is told. Then the job's spool goes, the
 * process manager is told to forget the group ({@link GroupReleases}), and the queue manager's listener hears of it.
 * Thread-safe.
 */
final class JobEnds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobEnds.class);
    /** Launches in a row that the ring refused before a job is ended rather than queued again. */
    private static final int MAX_UNLAUNCHED = 5;
    private static final int UNLAUNCHED_KEPT = 4096;
    private final JobTable table;
    private final JobSpool spool;
    private final GroupReleases releases;
    private final Consumer<Job> onEnd;
    private final Consumer<String> runEnded;
    /** Launches in a row the ring refused, by job (the most recent jobs' only: one requeued then cancelled stays). */
    private final Map<String, Integer> unlaunched = Collections.synchronizedMap(new BoundedMap<>(UNLAUNCHED_KEPT));

    /**
     * @param table    the jobs
     * @param spool    where jobs' scripts and node files are (removed at the end)
     * @param releases tells the process manager which ended groups to forget
     * @param onEnd    told of each job that completed or went back to the queue (after it is committed)
     * @param runEnded told of each job whose run ends, before it is recorded (its walltime timer goes)
     */
    JobEnds(JobTable table, JobSpool spool, GroupReleases releases, Consumer<Job> onEnd, Consumer<String> runEnded) {
        this.table = table;
        this.spool = spool;
        this.releases = releases;
        this.onEnd = onEnd;
        this.runEnded = runEnded;
    }

    /**
     * Records the ends of process groups, as {@link #ended(PgType)} does each, the ends of jobs that completed (or go
     * back to the queue after an exiting requeue) committed in one transaction.
     *
     * @param ends the groups, as their events carry them, in order
     */
    void ended(List<PgType> ends) {
        List<JobTable.Update> updates = new ArrayList<>(ends.size());
        Map<String, String> pgids = new LinkedHashMap<>();
        for (PgType end : ends) {
            Job job = table.byGroup(end.getPgid()).orElse(null);
            if (job == null || pgids.containsKey(job.id())) {
                continue;
            }
            if (Boolean.FALSE.equals(end.isLaunched())) {
                int failures = unlaunched.merge(job.id(), 1, Integer::sum);
                if (failures < MAX_UNLAUNCHED && job.state() == Job.State.RUNNING) {
                    requeue(job.id(), "not started (" + end.getReason() + "); queued again");
                    continue;
                }
            }
            unlaunched.remove(job.id());
            runEnded.accept(job.id());
            pgids.put(job.id(), job.pgid());
            updates.add(endOf(job.id(), end.getExitStatus(), end.getReason() == null ? "" : end.getReason(), usageOf(end)));
        }
        if (updates.isEmpty()) {
            return;
        }
        try {
            for (Job ended : table.changeAll(updates)) {
                recorded(ended, pgids.get(ended.id()));
            }
        } catch (SssException e) {
            LOG.error("queue-manager: jobs {}: their ends could not be recorded: {}", String.join(",", pgids.keySet()),
                    e.getMessage());
            throw new IllegalStateException("jobs " + pgids.keySet() + ": their ends could not be recorded: "
                    + e.getMessage(), e);
        }
    }

    /** What an ended group's processes used, as its hosts measured it. */
    static JobUsage usageOf(PgType end) {
        Long cpu = end.getCpuTime() == null ? null : end.getCpuTime().movePointRight(3)
                .setScale(0, java.math.RoundingMode.HALF_UP).longValue();
        return new JobUsage(cpu, end.getMaxMemory());
    }

    /**
     * Ends a job that held its nodes: completed with the status, or put back in the queue if an exiting requeue asked
     * for that; committed before anyone is told.
     *
     * @param id          the job
     * @param status      its exit status, or null when it never ran
     * @param groupReason how its group ended (kept when the status is not 0)
     * @param used        what its run used
     */
    void finish(String id, Integer status, String groupReason, JobUsage used) {
        runEnded.accept(id);
        String pgid = table.get(id).map(Job::pgid).orElse(null);
        try {
            recorded(table.changeAll(List.of(endOf(id, status, groupReason, used))).getFirst(), pgid);
        } catch (SssException e) {
            LOG.error("queue-manager: job {}: its end could not be recorded: {}", id, e.getMessage());
            throw new IllegalStateException("job " + id + ": its end could not be recorded: " + e.getMessage(), e);
        }
    }

    /** The change that ends a job that held its nodes: completed with its status, or requeued if that was asked. */
    private static JobTable.Update endOf(String id, Integer status, String groupReason, JobUsage used) {
        return new JobTable.Update(id, job -> {
            if (!job.holdsNodes()) {
                return job;
            }
            if (job.state() == Job.State.EXITING && job.reason().startsWith(JobRunner.REQUEUE)) {
                return job.used(used).requeued("");
            }
            String why = job.state() == Job.State.EXITING ? job.reason() : status != null && status == 0 ? "" : groupReason;
            return job.used(used).completed(status, why, Instant.now());
        }, job -> job.isCompleted() ? SuiteEvent.JOB_FINISHED : SuiteEvent.JOB_REQUEUED);
    }

    private void recorded(Job ended, String pgid) {
        if (ended.isCompleted()) {
            LOG.info("queue-manager: job {}: completed, exit status {}{}", ended.id(), ended.exitStatus(),
                    ended.reason().isEmpty() ? "" : " (" + ended.reason() + ")");
        }
        released(ended, pgid);
    }

    /**
     * Puts a running job back in the queue (its launch failed), its nodes freed.
     *
     * @param id  the job
     * @param why the reason it carries while queued
     */
    void requeue(String id, String why) {
        runEnded.accept(id);
        String pgid = table.get(id).map(Job::pgid).orElse(null);
        try {
            Job back = table.change(id, job -> job.state() == Job.State.RUNNING ? job.requeued(why) : job,
                    job -> SuiteEvent.JOB_REQUEUED);
            if (back.state() == Job.State.QUEUED) {
                released(back, pgid);
            }
        } catch (SssException e) {
            LOG.error("queue-manager: job {}: could not be queued again: {}", id, e.getMessage());
            throw new IllegalStateException("job " + id + ": could not be queued again: " + e.getMessage(), e);
        }
    }

    /** A job no longer holds its group: its spool goes, its group may be forgotten, and it is told on. */
    private void released(Job job, String pgid) {
        spool.remove(job);
        releases.recorded(pgid);
        onEnd.accept(job);
    }

    @Override
    public void close() {
        releases.close();
    }
}
