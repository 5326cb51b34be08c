package org.sss.processmanager.internal;

import jakarta.xml.bind.JAXBElement;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.DetachedListing;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.UnixSignals;
import org.sss.schema.CreatepgType;

/**
 * What the process manager does when it starts: loads the groups in its store into the table and then, in the
 * background (the ring may be unreachable for a while), matches them with the ring's detached jobs — following the
 * running ones again, resolving the ones it was creating when it stopped, telling the ring to forget ended ones, and
 * killing jobs tagged as groups it does not know. Thread-safe.
 */
final class GroupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(GroupRecovery.class);
    /** How long after a lost launch answer, and again after that, its job is looked for on the ring. */
    static final Duration LOST_LAUNCH_CHECK = Duration.ofSeconds(2);
    /** The longest pause between two listings while a lost launch cannot be settled. */
    static final Duration MAX_UNRESOLVED_PAUSE = Duration.ofSeconds(30);

    private final GroupTable table;
    private final GroupStore store;
    private final Ring ring;
    private final GroupFollower follower;
    private final OutboxSender outbox;
    private final MessageCodec codec;
    private final GroupPlanner storedPlanner;
    private final long outputLimit;
    private final ScheduledExecutorService tasks;
    private final Consumer<ProcessGroup> forgetStarting;
    private volatile boolean closed;

    /**
     * @param forgetStarting forgets a group that was being created and never started (memory and store)
     * @param ownAccount     who a process-spec without a user runs as
     */
    GroupRecovery(GroupTable table, GroupStore store, Ring ring, GroupFollower follower, OutboxSender outbox,
                  MessageCodec codec, long outputLimit, ScheduledExecutorService tasks,
                  Consumer<ProcessGroup> forgetStarting, String ownAccount) {
        this.table = table;
        this.store = store;
        this.ring = ring;
        this.follower = follower;
        this.outbox = outbox;
        this.codec = codec;
        this.storedPlanner = new GroupPlanner(true, ownAccount);
        this.outputLimit = outputLimit;
        this.tasks = tasks;
        this.forgetStarting = forgetStarting;
    }

    /**
     * Loads the stored groups and, in the background, finds the running ones on the ring again.
     *
     * @return the highest group number in the store (new groups are numbered after it)
     * @throws IOException if the store cannot be read
     */
    long recover() throws IOException {
        List<GroupStore.StoredGroup> stored;
        long lastNumber;
        try {
            stored = store.loadAll();
            lastNumber = store.lastNumber();
        } catch (SQLException e) {
            throw new IOException("cannot read the process groups: " + e.getMessage(), e);
        }
        List<ProcessGroup> unfinished = new ArrayList<>();
        for (GroupStore.StoredGroup record : stored) {
            ProcessGroup group = restore(record);
            table.add(group);
            if (record.end() == null) {
                unfinished.add(group);
            }
        }
        if (!stored.isEmpty()) {
            LOG.info("process-manager: {} process groups in the store, {} to find on the ring again", stored.size(),
                    unfinished.size());
        }
        tasks.execute(() -> reconcile(lastNumber, 0));
        return lastNumber;
    }

    private ProcessGroup restore(GroupStore.StoredGroup record) throws IOException {
        CreatepgType request;
        try {
            Object decoded = codec.decode(record.group().request());
            request = (CreatepgType) (decoded instanceof JAXBElement<?> element ? element.getValue() : decoded);
        } catch (SssException e) {
            throw new IOException("stored request of pg " + record.pgid() + " is unreadable: " + e.getMessage(), e);
        }
        String[] exec = new String[record.group().totalprocs()];
        String[] co = new String[exec.length];
        try {
            GroupPlanner.Plan plan = storedPlanner.plan(request, new Principal("store", Role.ADMIN, null));
            System.arraycopy(plan.execOfRank(), 0, exec, 0, exec.length);
            System.arraycopy(plan.coExecOfRank(), 0, co, 0, co.length);
        } catch (SssException e) {
            Arrays.fill(exec, "?");
            Arrays.fill(co, "");
        }
        ProcessGroup group = new ProcessGroup(record.pgid(), record.tag(), record.number(), record.group().submitter(),
                record.group().creator(), record.group().outputMode(), record.group().request(), request,
                record.group().created(), exec, co, outputLimit);
        group.markStored();
        if (record.end() != null) {
            group.restore(record.end(), record.jid(), record.released());
        } else if (!"starting".equals(record.state())) {
            group.launched(record.jid());
        }
        return group;
    }

    /**
     * Matches the stored groups with the ring's detached jobs; retried until the ring answers. Groups created since
     * this start (numbered above {@code restoredUpTo}) are followed by the console that launched them, and one still
     * being launched must not be taken for a group whose launch a stop interrupted.
     */
    private void reconcile(long restoredUpTo, int attempt) {
        if (closed) {
            return;
        }
        DetachedListing jobs;
        try {
            jobs = ring.detachedJobs();
        } catch (IOException e) {
            if (attempt == 0) {
                LOG.warn("process-manager: the ring cannot be reached to recover groups ({}); retrying", e.getMessage());
            }
            tasks.schedule(() -> reconcile(restoredUpTo, attempt + 1), Math.min(5000, 250L << Math.min(attempt, 5)),
                    TimeUnit.MILLISECONDS);
            return;
        }
        Set<String> known = new LinkedHashSet<>();
        for (ProcessGroup group : table.all()) {
            known.add(group.tag());
            if (group.number() > restoredUpTo) {
                continue;
            }
            switch (group.state()) {
                case ENDED -> follower.release(group);
                case RUNNING -> follower.reattach(group, 0);
                case STARTING -> {
                    if (!resolveStarting(group, jobs, "when the process manager stopped")) {
                        resolveLostLaunch(group);
                    }
                }
            }
        }
        for (DetachedJob job : jobs.jobs()) {
            if (job.tag().startsWith(GroupManager.TAG) && !known.contains(job.tag())) {
                orphan(job);
            }
        }
    }

    /**
     * A group found in the store as being created: the process manager stopped between recording it and recording its
     * job. If the ring has a job with its tag, the group was launched and is followed; otherwise it never started and
     * is forgotten, so that whoever asked for it (the queue manager) learns it does not exist and can ask again.
     *
     * @return whether that is settled; false when it is to be looked for again: its job is not listed but an mpd did
     *         not answer (the job may be led there: forgetting the group could start a second copy), or its job was
     *         found and could not be recorded
     */
    private boolean resolveStarting(ProcessGroup group, DetachedListing jobs, String when) {
        DetachedJob launched = jobs.jobs().stream().filter(job -> job.tag().equals(group.tag())).findFirst().orElse(null);
        if (launched == null && !jobs.unreachable().isEmpty()) {
            LOG.info("process-manager: pg {} was being created {}; its job is not listed, but mpd(s) {} did not answer:"
                    + " looked for again", group.pgid(), when, jobs.unreachable());
            return false;
        }
        if (launched == null) {
            LOG.warn("process-manager: pg {} was being created {} and its job never started; forgotten", group.pgid(),
                    when);
            forgetStarting.accept(group);
            return true;
        }
        try {
            store.markLaunched(group.pgid(), launched.jid());
        } catch (SQLException e) {
            LOG.warn("process-manager: pg {}: cannot record its job {} ({}); tried again", group.pgid(),
                    launched.jid(), e.getMessage());
            return false;
        }
        group.launched(launched.jid());
        outbox.wake();
        LOG.info("process-manager: pg {} was being created {}; its job {} is followed", group.pgid(), when,
                launched.jid());
        follower.reattach(group, 0);
        return true;
    }

    /**
     * A group whose launch was sent and not answered: its job may run. The ring's detached jobs are looked through
     * for its tag (after a while: the mpd may still be starting it), until the ring answers; found, the group is
     * followed, as after a restart; not found in two listings {@link #LOST_LAUNCH_CHECK} apart, it never started and
     * is forgotten. Meanwhile it stays being created, and a create asked again waits for the outcome.
     *
     * @param group the group, being created
     */
    void resolveLostLaunch(ProcessGroup group) {
        tasks.schedule(() -> resolveLostLaunch(group, 0, false), LOST_LAUNCH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resolveLostLaunch(ProcessGroup group, int attempt, boolean missedOnce) {
        if (closed || group.state() != ProcessGroup.State.STARTING || table.get(group.pgid()) != group) {
            return;
        }
        DetachedListing jobs;
        try {
            jobs = ring.detachedJobs();
        } catch (IOException e) {
            tasks.schedule(() -> resolveLostLaunch(group, attempt + 1, missedOnce),
                    Math.min(5000, 250L << Math.min(attempt, 5)), TimeUnit.MILLISECONDS);
            return;
        }
        boolean found = jobs.jobs().stream().anyMatch(job -> job.tag().equals(group.tag()));
        if (!found && !missedOnce) {
            tasks.schedule(() -> resolveLostLaunch(group, 0, true), LOST_LAUNCH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (!resolveStarting(group, jobs, "when the answer to its launch was lost")) {
            // An mpd that does not answer may stay so for long (its host is down but still a member): each listing
            // asks the whole ring, so they come less often, up to one every 30 s.
            tasks.schedule(() -> resolveLostLaunch(group, attempt + 1, true), unresolvedPause(attempt).toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** @return the pause before the listing after {@code attempt} unresolved ones: 2 s, doubling, at most 30 s */
    static Duration unresolvedPause(int attempt) {
        Duration pause = LOST_LAUNCH_CHECK.multipliedBy(1L << Math.min(attempt, 4));
        return pause.compareTo(MAX_UNRESOLVED_PAUSE) > 0 ? MAX_UNRESOLVED_PAUSE : pause;
    }

    /** A job tagged as a process group this process manager does not know (deleted, or never acknowledged). */
    private void orphan(DetachedJob job) {
        try {
            if (job.running()) {
                LOG.warn("process-manager: killing job {} ({}): no such process group is recorded", job.jid(), job.tag());
                ring.kill(job.jid(), UnixSignals.TERM);
                tasks.schedule(() -> orphan(new DetachedJob(job.jid(), job.rootId(), false, job.tag())), 10, TimeUnit.SECONDS);
            } else {
                ring.release(job.jid());
            }
        } catch (IOException | MpdRequestException e) {
            LOG.info("process-manager: orphan job {}: {}", job.jid(), e.getMessage());
        }
    }

    /** Stops reconciling. */
    void close() {
        closed = true;
    }
}
