package org.sss.processmanager.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.runtime.Events;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.store.Outbox;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.MpdRequestException;
import org.sss.processmanager.ProcessManager;
import org.sss.schema.PgType;
import org.sss.schema.SuiteEvent;

/**
 * Follows each group's job on the ring: applies the job's events to the group, stores its end (with the
 * {@code process-group-end} event, in one transaction) before anyone is told of it, tells the ring to forget the
 * job, re-attaches when a console breaks, and ends a group as lost when the ring no longer runs its job. Thread-safe.
 */
final class GroupFollower {
    private static final Logger LOG = LoggerFactory.getLogger(GroupFollower.class);
    /** Exit status of a group whose job the ring lost. */
    static final int LOST = 255;

    private final GroupTable table;
    private final GroupStore store;
    private final Ring ring;
    private final OutboxSender outbox;
    private final ScheduledExecutorService tasks;
    private volatile boolean closed;

    GroupFollower(GroupTable table, GroupStore store, Ring ring, OutboxSender outbox, ScheduledExecutorService tasks) {
        this.table = table;
        this.store = store;
        this.ring = ring;
        this.outbox = outbox;
        this.tasks = tasks;
    }

    /**
     * @param name    the event
     * @param group   the group it is about
     * @param details sets what this event says of the group beyond its pgid and submitter
     * @return the event, carrying the group's header
     */
    static Outbox.Event event(SuiteEvent name, ProcessGroup group, Consumer<PgType> details) {
        PgType pg = new PgType();
        pg.setPgid(group.pgid());
        pg.setSubmitter(group.submitter());
        details.accept(pg);
        return new Outbox.Event(Events.processGroup(name, ProcessManager.NAME, pg));
    }

    /**
     * @param group a group
     * @return what follows its job's events
     */
    Consumer<JobEvent> listener(ProcessGroup group) {
        return event -> {
            if (event instanceof JobEvent.Disconnected disconnected) {
                if (!closed && group.state() != ProcessGroup.State.ENDED) {
                    LOG.warn("process-manager: pg {}: console to the ring lost ({}); re-attaching", group.pgid(),
                            disconnected.reason());
                    tasks.schedule(() -> reattach(group, 0), 200, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (event instanceof JobEvent.Launched launched && launched.tag() != null && !launched.tag().isEmpty()
                    && !launched.tag().equals(group.tag())) {
                // Its job's id names another job now: the mpd that led it restarted and numbers its jobs anew. The
                // group's job is gone with that mpd; the other job is not this group's to follow, signal or forget.
                if (group.state() != ProcessGroup.State.ENDED) {
                    tasks.execute(() -> lost(group, "its job id " + launched.jid() + " names another job now (the mpd "
                            + "that led it restarted)"));
                }
                return;
            }
            if (group.apply(event) != null) {
                tasks.execute(() -> recordEnd(group, true));
            }
        };
    }

    /**
     * Stores an ended group's end and its event; retried until it is stored.
     *
     * @param group   a group that has ended
     * @param release whether to tell the ring to forget its job afterwards
     */
    void recordEnd(ProcessGroup group, boolean release) {
        if (!group.stored() || group.signalInFlight()) {
            if (table.holds(group)) {
                tasks.schedule(() -> recordEnd(group, release), 10, TimeUnit.MILLISECONDS);
            }
            return;
        }
        try {
            store.recordEnd(group.endRecord(), event(SuiteEvent.PROCESS_GROUP_END, group, pg -> {
                pg.setState(org.sss.schema.PgState.ENDED);
                pg.setExitStatus(group.exitStatus());
                pg.setReason(group.reason());
                pg.setLaunched(true);
                GroupReplies.setUsage(pg, group.usage());
            }));
        } catch (SQLException e) {
            if (!table.holds(group)) {
                return;
            }
            LOG.error("process-manager: pg {}: its end could not be stored ({}); retrying", group.pgid(), e.getMessage());
            tasks.schedule(() -> recordEnd(group, release), 1, TimeUnit.SECONDS);
            return;
        }
        group.recorded().complete(null);
        table.recorded(group);
        outbox.wake();
        LOG.info("process-manager: pg {} ended with status {}{}", group.pgid(), group.exitStatus(),
                group.reason() == null ? "" : " (" + group.reason() + ")");
        if (release) {
            release(group);
        }
    }

    /** Tells the ring to forget an ended group's job (once; a failure is retried at the next start or delete). */
    void release(ProcessGroup group) {
        release(group, true);
    }

    /**
     * @param group  an ended group
     * @param record whether to note the release in the store (not needed when the group is about to be deleted)
     */
    void release(ProcessGroup group, boolean record) {
        String jid = group.jid();
        if (jid == null || group.released()) {
            return;
        }
        try {
            ring.release(jid);
            group.markReleased();
            if (record) {
                store.markReleased(group.pgid());
            }
        } catch (IOException | MpdRequestException | SQLException e) {
            LOG.info("process-manager: pg {}: ring job {} not released yet ({})", group.pgid(), jid, e.getMessage());
        }
    }

    /**
     * Follows a group's job again after its console broke: at the mpd that leads it, or ends the group as lost.
     *
     * @param group   a launched group
     * @param attempt how many times this was tried already
     */
    void reattach(ProcessGroup group, int attempt) {
        if (closed || group.state() == ProcessGroup.State.ENDED) {
            return;
        }
        String jid = group.jid();
        try {
            group.resetForReplay();
            ring.attach(jid, listener(group));
            LOG.info("process-manager: pg {}: re-attached to job {}", group.pgid(), jid);
        } catch (MpdRequestException e) {
            lost(group, "the ring no longer runs its job " + jid + ": " + e.getMessage());
        } catch (IOException e) {
            if (isLeaderGone(jid)) {
                lost(group, "mpd " + RingDriver.rootOf(jid) + ", which led its job " + jid + ", left the ring");
                return;
            }
            long delay = Math.min(5000, 200L << Math.min(attempt, 5));
            if (attempt == 0 || attempt % 10 == 0) {
                LOG.warn("process-manager: pg {}: cannot re-attach to job {} yet ({}); retrying", group.pgid(), jid,
                        e.getMessage());
            }
            tasks.schedule(() -> reattach(group, attempt + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** @return true only if the ring answers and its leader of the job is not among its members */
    private boolean isLeaderGone(String jid) {
        try {
            String root = RingDriver.rootOf(jid);
            return ring.members().stream().noneMatch(m -> m.id().equals(root));
        } catch (IOException e) {
            return false;
        }
    }

    private void lost(ProcessGroup group, String why) {
        LOG.warn("process-manager: pg {}: {}; it ends with status {}", group.pgid(), why, LOST);
        group.end(LOST, "lost: " + why, Instant.now());
        recordEnd(group, false);
    }

    /** Stops re-attaching (jobs run on, detached). */
    void close() {
        closed = true;
    }
}
