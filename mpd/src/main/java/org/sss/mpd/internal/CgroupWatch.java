package org.sss.mpd.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;

/**
 * Holds confined jobs to their limits while they run. Every {@value #PERIOD_MILLIS} ms each mpd reads its live
 * control groups ({@link JobCgroups#live}) and tells the root of the job each confinement belongs to
 * ({@link Confinement#owner}) its host's CPU time so far ({@code job-usage}, for a job with a {@code cput} limit)
 * and any process the kernel killed for the memory limit ({@code job-exceeded}). The root sums the hosts' CPU time
 * and, past the limit, or on a memory kill, ends the job with the reason ("cput limit 00:00:05 exceeded", "memory
 * limit 100 MB exceeded"): SIGTERM to its ranks, and their hosts' groups are emptied as the ranks end. The CPU time
 * is summed over every host of the job, not limited per process: a job of many processes is held to its total,
 * which RLIMIT_CPU cannot do. The job may overshoot by what its processes use in one period and the messages'
 * travel. Thread-safe.
 */
final class CgroupWatch {
    /** How often the groups are read. */
    static final long PERIOD_MILLIS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(CgroupWatch.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final RankControl control;
    private final JobCgroups cgroups;
    private final Map<String, Long> lastSent = new HashMap<>();
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> polling;

    /**
     * @param ring    the ring (this mpd)
     * @param peers   connections to the jobs' roots
     * @param table   the jobs
     * @param control kills jobs past their limits
     * @param cgroups this host's groups
     * @param timer   where the reading runs, every {@value #PERIOD_MILLIS} ms while a group lives here
     */
    CgroupWatch(Ring ring, Peers peers, JobTable table, RankControl control, JobCgroups cgroups,
                ScheduledExecutorService timer) {
        this.timer = timer;
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.control = control;
        this.cgroups = cgroups;
    }

    /**
     * A group was made here: the groups are read every period until none is left (an mpd without confined jobs
     * wakes for nothing; a JVM of many members would otherwise wake thousands of times a second).
     */
    synchronized void groupMade() {
        if (polling == null) {
            polling = timer.scheduleAtFixedRate(this::poll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The last group is gone: the reading stops until the next is made. */
    private synchronized void stopIfIdle() {
        if (polling != null && cgroups.isEmpty()) {
            polling.cancel(false);
            polling = null;
        }
    }

    /** Reads the live groups and tells their jobs' roots what they need to know. */
    void poll() {
        try {
            List<JobCgroups.Live> live = cgroups.live();
            Set<String> names = new HashSet<>();
            for (JobCgroups.Live group : live) {
                Confinement held = group.held();
                names.add(held.name());
                if (held.owner().isEmpty()) {
                    continue;
                }
                if (group.exceeded() != null) {
                    send(held.owner(), MpdMessage.of("job-exceeded").with("jid", held.owner()).with("host", selfId())
                            .with("reason", group.exceeded()).build());
                }
                if (held.cpuSeconds() > 0 && !Long.valueOf(group.cpuNanos()).equals(lastSent.get(held.name()))) {
                    lastSent.put(held.name(), group.cpuNanos());
                    send(held.owner(), MpdMessage.of("job-usage").with("jid", held.owner()).with("host", selfId())
                            .with("cpu", group.cpuNanos()).build());
                }
            }
            lastSent.keySet().retainAll(names);
        } catch (RuntimeException e) {
            LOG.warn("mpd {}: reading the jobs' control groups failed: {}", selfId(), e.toString());
        }
        stopIfIdle();
    }

    private String selfId() {
        return ring.self().id();
    }

    private void send(String ownerJid, MpdMessage message) {
        int at = ownerJid.indexOf('@');
        String rootId = at < 0 ? selfId() : ownerJid.substring(at + 1);
        if (rootId.equals(selfId())) {
            try {
                onRootMessage(message);
            } catch (MalformedMessageException e) {
                LOG.warn("mpd {}: {}", selfId(), e.getMessage());
            }
        } else {
            peers.send(ring.membership(), rootId, message);
        }
    }

    /**
     * Handles {@code job-usage} and {@code job-exceeded} at the root of the job they name (ignored elsewhere, and
     * for a job that has ended).
     *
     * @param message the report
     * @throws MalformedMessageException if fields are missing
     */
    void onRootMessage(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job == null || job.root == null) {
            return;
        }
        String host = message.require("host");
        String reason = null;
        if (message.cmd().equals("job-exceeded")) {
            reason = message.require("reason");
        } else {
            long total = job.root.usage.live(host, message.number("cpu"));
            long limit = job.spec.confinement().cpuSeconds();
            if (limit > 0 && total >= limit * 1_000_000_000L) {
                reason = "cput limit " + hms(limit) + " exceeded";
            }
        }
        if (reason != null && job.root.fail(JobRoot.LIMIT_EXCEEDED, reason)) {
            LOG.info("mpd {}: job {}: {} (reported by {}); killing the job", selfId(), job.jid(), reason, host);
            control.killJob(job, UnixSignals.TERM);
        }
    }

    /** @return seconds as {@code HH:MM:SS}, as PBS writes {@code cput} */
    static String hms(long seconds) {
        return String.format(java.util.Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
