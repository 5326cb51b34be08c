package org.sss.mpd.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs one mpd takes part in, by id, and — where it is the root — the ended detached jobs it keeps until a
 * console releases them. It also numbers what this mpd starts: the jobs it roots ({@code N@mpdid}, N from 1) and
 * the requests it awaits answers to (spawns and signal reports share one counter). Per mpd, never shared between
 * mpds. Thread-safe.
 */
final class JobTable {
    private final String selfId;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Job> ended = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(1);
    private final AtomicLong nextRequest = new AtomicLong(1);

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

    /**
     * @param job a job this mpd is asked to take part in
     * @return false if it already takes part in a job of that id (the table is unchanged)
     */
    boolean addIfAbsent(Job job) {
        return jobs.putIfAbsent(job.jid(), job) == null;
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
