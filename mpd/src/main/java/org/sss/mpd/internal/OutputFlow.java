package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a job's output where it is made while its console is behind, so that a console that stops reading (mpiexec
 * under Ctrl-Z, or piped into a pager) costs neither the mpd's memory nor other jobs' progress, and loses nothing.
 *
 * <p>At the root, output passes to the console through a queued link ({@link Link#queueSends}). When that link is
 * {@link Link#behind() behind}, the job is held: every host of the job is told {@code job-flow hold=1}, and stops
 * reading its ranks' (and co-processes') pipes, so that the ranks block in their writes as they would on a full
 * terminal. When the link has caught up, each job held for it is told {@code hold=0}. The messages carry a number
 * that grows with each, so a host takes only news newer than it has. What was already on its way when a hold went
 * out still arrives; a rank's output at its exit is read whole, hold or not. Thread-safe.
 */
final class OutputFlow {
    private static final Logger LOG = LoggerFactory.getLogger(OutputFlow.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final Runnable rereadPipes;
    private long sequence;

    /**
     * @param ring        the ring (this mpd)
     * @param peers       connections to the job's hosts
     * @param table       the jobs
     * @param rereadPipes makes this mpd's process reactor look again at which pipes it reads
     */
    OutputFlow(Ring ring, Peers peers, JobTable table, Runnable rereadPipes) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.rereadPipes = rereadPipes;
    }

    /**
     * Makes a link a job's console: its sends are queued from now on, so that none blocks (see {@link LinkOutbox}).
     * Before the first message of the job goes to it.
     *
     * @param console the console's link
     */
    void bind(Link console) {
        console.queueSends(this::caughtUp);
    }

    /**
     * A detached job has a new console: if it was held for the last one, it goes on (the new one starts with nothing
     * waiting, and would otherwise never catch up).
     *
     * @param job the job, led here
     */
    void consoleChanged(Job job) {
        long number;
        synchronized (this) {
            if (!job.root.releaseOutput()) {
                return;
            }
            number = ++sequence;
        }
        tell(job, false, number);
    }

    /**
     * At the root: passes a job's output (or its stdin progress) to its console, and holds the job if the console is
     * behind.
     *
     * @param job     the job, led here
     * @param message {@code job-out} or {@code job-stdin-ok}
     */
    void pass(Job job, MpdMessage message) {
        Link console = job.root.console();
        if (console != null) {
            bind(console);
        }
        job.root.send(message);
        if (console == null || !"job-out".equals(message.cmd())) {
            return;
        }
        long number;
        synchronized (this) {
            // Under this monitor, so that a console catching up (which clears "behind" before it takes the monitor)
            // either is seen here or sees this job held.
            // A console that closed, or is no longer the job's, holds nothing: it will never catch up.
            if (!console.behind() || console.isClosed() || job.root.console() != console || !job.root.holdOutput()) {
                return;
            }
            number = ++sequence;
        }
        LOG.debug("mpd {}: job {}: its console {} is behind ({} bytes wait); holding its output", selfId(), job.jid(),
                console.describe(), console.backlog());
        tell(job, true, number);
    }

    /**
     * A console went away: the jobs held for it go on (an attached job is being killed, and its last words must get
     * out; a detached one runs on, its output kept for the next console to attach, up to its limit).
     *
     * @param console the console's link, closed
     */
    void consoleGone(Link console) {
        caughtUp(console);
    }

    /** A console caught up: the jobs held for it go on. */
    private void caughtUp(Link console) {
        List<Job> release = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        synchronized (this) {
            for (Job job : table.all()) {
                JobRoot root = job.root;
                if (root != null && root.console() == console && root.releaseOutput()) {
                    release.add(job);
                    numbers.add(++sequence);
                }
            }
        }
        for (int i = 0; i < release.size(); i++) {
            LOG.debug("mpd {}: job {}: its console {} caught up; its output goes on", selfId(), release.get(i).jid(),
                    console.describe());
            tell(release.get(i), false, numbers.get(i));
        }
    }

    /** Tells every host of the job, directly (not down the tree, whose links carry the output itself). */
    private void tell(Job job, boolean hold, long number) {
        MpdMessage message = MpdMessage.of("job-flow").with("jid", job.jid()).with("hold", hold ? 1 : 0)
                .with("n", number).build();
        Membership members = ring.membership();
        for (String hostId : job.spec.treeHosts()) {
            if (hostId.equals(selfId())) {
                apply(job, hold, number);
            } else {
                peers.send(members, hostId, message);
            }
        }
    }

    /**
     * On a host of the job: handles {@code job-flow}.
     *
     * @param message {@code jid hold n}
     * @throws MalformedMessageException if a field is missing
     */
    void onFlow(MpdMessage message) throws MalformedMessageException {
        boolean hold = message.number("hold") != 0;
        long number = message.number("n");
        Job job = table.flowing(message.require("jid"), number, hold);
        if (job != null) {
            apply(job, hold, number);
        }
    }

    private void apply(Job job, boolean hold, long number) {
        synchronized (job) {
            if (number <= job.flowNumber) {
                return;
            }
            job.flowNumber = number;
            job.outputHeld = hold;
        }
        rereadPipes.run();
    }

    private String selfId() {
        return ring.self().id();
    }
}
