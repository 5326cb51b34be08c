package org.sss.mpd.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detached jobs a root leads (the process manager's): a console may {@code attach} to one — running or ended —
 * and is told its story so far, then the rest as it happens (see {@link JobRoot#attach}); once the console has
 * recorded a job's end it {@code release}s it. An ended job not released within the configured time is forgotten
 * (swept at a quarter of that time, between 1 and 60 s). {@code detached-query} lists them. Thread-safe.
 */
final class DetachedJobs {
    private static final Logger LOG = LoggerFactory.getLogger(DetachedJobs.class);
    private final Ring ring;
    private final JobTable table;
    private final Duration keepEnded;
    private final OutputFlow flow;

    /**
     * @param ring      the ring (this mpd's id)
     * @param table     the jobs
     * @param timer     where the sweep of unreleased ends runs
     * @param keepEnded how long an ended job is kept when no console releases it
     * @param flow      makes a console one whose sends never block, and lets a job held for its last console go on
     */
    DetachedJobs(Ring ring, JobTable table, ScheduledExecutorService timer, Duration keepEnded, OutputFlow flow) {
        this.ring = ring;
        this.table = table;
        this.keepEnded = keepEnded;
        this.flow = flow;
        long sweep = Math.max(1000, Math.min(60_000, keepEnded.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::expireEnded, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Handles {@code attach}: the console becomes the job's console and is told its story so far.
     *
     * @param console the console
     * @param message the request
     * @throws MalformedMessageException if the jid is missing
     */
    void attach(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = table.get(jid);
        if (job == null || job.root == null) {
            job = table.ended(jid);
        }
        if (job == null || job.root == null || job.parent != null) {
            console.trySend(ConsoleMessages.error(jid, null, "no job " + jid + " is led by mpd " + selfId()));
            return;
        }
        flow.bind(console); // the replay may be large, and the console may not read it
        if (!job.root.attach(console, ConsoleMessages.launched(job.spec))) {
            console.trySend(ConsoleMessages.error(jid, null, "job " + jid + " is not detached"));
            return;
        }
        flow.consoleChanged(job);
        LOG.info("mpd {}: console {} attached to job {}", selfId(), console.describe(), jid);
    }

    /**
     * Handles {@code release}: the console has recorded the end of a detached job, which may now be forgotten.
     *
     * @param console the console
     * @param message the request
     * @throws MalformedMessageException if the jid is missing
     */
    void release(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        if (table.release(jid)) {
            console.trySend(ConsoleMessages.ok(jid));
        } else if (table.contains(jid)) {
            console.trySend(ConsoleMessages.error(jid, null, "job " + jid + " is still running"));
        } else {
            console.trySend(ConsoleMessages.okUnknown(jid));
        }
    }

    /** @return one line per detached job led here: {@code jid state tag}, state {@code running} or {@code ended} */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Job job : table.all()) {
            if (job.root != null && job.parent == null && job.root.detached()) {
                lines.add(job.jid() + " running " + job.spec.supervision().tag());
            }
        }
        for (Job job : table.endedJobs()) {
            lines.add(job.jid() + " ended " + job.spec.supervision().tag());
        }
        return lines;
    }

    private void expireEnded() {
        long now = System.nanoTime();
        table.endedJobs().removeIf(job -> {
            boolean expired = now - job.root.endedAtNanos() > keepEnded.toNanos();
            if (expired) {
                LOG.info("mpd {}: forgetting the end of detached job {} (not released within {} s)", selfId(), job.jid(),
                        keepEnded.toSeconds());
            }
            return expired;
        });
    }
}
