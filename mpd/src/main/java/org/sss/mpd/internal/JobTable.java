package org.sss.mpd.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.util.BoundedMap;

/**
 * The jobs one mpd takes part in, by id, and — where it is the root — the ended detached jobs it keeps until a
 * console releases them. It also numbers what this mpd starts: the jobs it roots ({@code N@mpdid}, N from 1) and
 * the requests it awaits answers to (spawns and signal reports share one counter), and the kills, forgets and
 * output holds that overtook a job's start. Per mpd, never shared between mpds. Thread-safe.
 */
final class JobTable {
    private final String selfId;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Job> ended = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(1);
    private final AtomicLong nextRequest = new AtomicLong(1);
    private static final int EARLY_STOP_SECONDS = 60;
    private static final long EARLY_STOP_NANOS = EARLY_STOP_SECONDS * 1_000_000_000L;
    private static final int EARLY_STOPS_KEPT = 4096;
    private final Map<String, EarlyStop> earlyStops = new BoundedMap<>(EARLY_STOPS_KEPT);
    private final Map<String, EarlyFlow> earlyFlows = new BoundedMap<>(EARLY_STOPS_KEPT);

    /** @param selfId this mpd's id, the part of a job id after the {@code @} */
    JobTable(String selfId) {
        this.selfId = selfId;
    }

    /** @return a new job id for a job rooted here */
    String newJid() {
        return nextJob.getAndIncrement() + "@" + selfId;
    }

    /** @return a new id for a request this mpd awaits an answer to */
    long newRequest() {
        return nextRequest.getAndIncrement();
    }

    /**
     * @param jid a job id
     * @return this mpd's part of the job, or null if it takes no part (any more)
     */
    Job get(String jid) {
        return jobs.get(jid);
    }

    /** @param job a job this mpd now takes part in (replacing any of the same id) */
    void add(Job job) {
        jobs.put(job.jid(), job);
    }

    /** What became of a job start this mpd was given ({@link #admit}). */
    enum Admission {
        /** The job is in the table now: start it. */
        ADDED,
        /** This mpd already takes part in a job of that id: the start is a repeat. */
        DUPLICATE,
        /** The job was killed here before its start arrived: it is in the table, and its ranks must not run on. */
        KILLED_BEFORE,
        /** The job was over (forgotten) here before its start arrived: not added, not to be started. */
        OVER_BEFORE
    }

    /**
     * Takes in a job this mpd is asked to take part in, unless the root's kill or forget — sent to every host
     * directly, not down the launch tree — overtook its start (a slow host on the tree's path): then the job is
     * refused (over) or taken in to be killed as it starts (killed), so no rank of a dead job runs on.
     *
     * @param job a job this mpd is asked to take part in
     * @return what to do with the start
     */
    synchronized Admission admit(Job job) {
        EarlyFlow flow = earlyFlows.remove(job.jid());
        if (flow != null && System.nanoTime() - flow.atNanos() < EARLY_STOP_NANOS) {
            job.flowNumber = flow.number();
            job.outputHeld = flow.hold();
        }
        EarlyStop stop = earlyStops.remove(job.jid());
        if (stop != null && System.nanoTime() - stop.atNanos() < EARLY_STOP_NANOS) {
            if (stop.over()) {
                return Admission.OVER_BEFORE;
            }
            return jobs.putIfAbsent(job.jid(), job) == null ? Admission.KILLED_BEFORE : Admission.DUPLICATE;
        }
        return jobs.putIfAbsent(job.jid(), job) == null ? Admission.ADDED : Admission.DUPLICATE;
    }

    /**
     * The root kills or forgets a job: this mpd's part of it, or, if its start has not arrived yet, a note that the
     * start must not run it ({@link #admit}), kept {@value #EARLY_STOP_SECONDS} s (the most recent
     * {@value #EARLY_STOPS_KEPT}).
     *
     * @param jid  the job
     * @param over whether the job is over everywhere (forget), not only killed
     * @return this mpd's part of the job, or null if it has none yet
     */
    synchronized Job stopping(String jid, boolean over) {
        Job job = jobs.get(jid);
        if (job == null) {
            EarlyStop known = earlyStops.get(jid);
            earlyStops.put(jid, new EarlyStop(System.nanoTime(), over || (known != null && known.over())));
        }
        return job;
    }

    /**
     * The root holds or releases a job's output ({@code job-flow}, sent to every host directly, so it may overtake
     * the job's start): this mpd's part of it, or, if its start has not arrived yet, a note that the job starts held
     * or not ({@link #admit}), kept as a kill's is.
     *
     * @param jid    the job
     * @param number the message's number
     * @param hold   whether the output is held
     * @return this mpd's part of the job, or null if it has none yet
     */
    synchronized Job flowing(String jid, long number, boolean hold) {
        Job job = jobs.get(jid);
        if (job == null) {
            EarlyFlow known = earlyFlows.get(jid);
            if (known == null || known.number() < number) {
                earlyFlows.put(jid, new EarlyFlow(System.nanoTime(), number, hold));
            }
        }
        return job;
    }

    /** A hold or release of a job's output that came before the job's start. */
    private record EarlyFlow(long atNanos, long number, boolean hold) {
    }

    /** A kill or forget that came before the job's start. */
    private record EarlyStop(long atNanos, boolean over) {
    }

    /**
     * @param job a job
     * @return whether it was in the table (and not another job of its id) and is now gone
     */
    boolean remove(Job job) {
        return jobs.remove(job.jid(), job);
    }

    /** @param jid a job id, forgotten whatever job holds it */
    void remove(String jid) {
        jobs.remove(jid);
    }

    /**
     * @param jid a job id
     * @return whether this mpd takes part in it
     */
    boolean contains(String jid) {
        return jobs.containsKey(jid);
    }

    /** @return the jobs, a live view */
    Collection<Job> all() {
        return jobs.values();
    }

    /** @return how many jobs this mpd takes part in */
    int size() {
        return jobs.size();
    }

    /** @param job a detached job that ended here, kept until it is released */
    void keepEnded(Job job) {
        ended.put(job.jid(), job);
    }

    /**
     * @param jid a job id
     * @return the ended detached job of that id, or null
     */
    Job ended(String jid) {
        return ended.get(jid);
    }

    /**
     * @param jid an ended detached job
     * @return whether it was kept (it is forgotten now)
     */
    boolean release(String jid) {
        return ended.remove(jid) != null;
    }

    /** @return the ended detached jobs kept, a live view (expiry removes through it) */
    Collection<Job> endedJobs() {
        return ended.values();
    }
}
