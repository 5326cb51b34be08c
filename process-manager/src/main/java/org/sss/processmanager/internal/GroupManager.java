package org.sss.processmanager.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Events;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.wire.Principal;
import org.sss.lib.xml.MessageCodec;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.internal.Confinement;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.SignalDelivery;
import org.sss.mpd.client.UnixSignals;
import org.sss.processmanager.ProcessManagerSettings;
import org.sss.schema.CreatepgType;
import org.sss.schema.ObjectFactory;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.SuiteEvent;

/**
 * The process manager's process groups and what it does with them: creates them (recorded durably, then launched
 * on the ring as detached jobs tagged {@code pg:PGID}), signals, kills and deletes them, and forgets ended groups
 * that no component is to delete once their retention has passed. Following the jobs on the ring is
 * {@link GroupFollower}'s, finding them again after a restart {@link GroupRecovery}'s, the table and its queries
 * {@link GroupTable}'s. Events {@code process-group-signal} and {@code process-group-end} go out through the store's
 * outbox. Thread-safe.
 */
public final class GroupManager implements AutoCloseable {
    /** The prefix of the pgids the queue manager gives its jobs' groups, which only components may create. */
    static final String QUEUE_MANAGERS_PGIDS = "job-";
    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);
    /** Tags of the ring's jobs that are process groups start with it. */
    static final String TAG = "pg:";
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();
    /** Who a privileged caller's process-spec without a user runs as: the account this process manager runs as. */
    private static final String OWN_ACCOUNT = System.getProperty("user.name", "");

    private final ProcessManagerSettings settings;
    private final GroupStore store;
    private final Ring ring;
    /**
     * How long a create asked again, or a kill, waits for the group it names to leave the starting state (then
     * timed-out: asking again is safe).
     */
    static final Duration SETTLE_WAIT = Duration.ofSeconds(10);
    private final OutboxSender outbox;
    private final MessageCodec codec;
    private final GroupPlanner planner;
    private final GroupTable groups = new GroupTable();
    private final AtomicLong numbers = new AtomicLong();
    private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pm-groups").factory());
    private final GroupFollower follower;
    private final GroupRecovery recovery;

    /**
     * Opens the store, loads the groups in it and starts finding the running ones on the ring again (in the
     * background: the ring may be unreachable for a while).
     *
     * @param settings   the process manager's settings
     * @param components how to reach the event manager
     * @param codec      the message codec (to store and read back create requests)
     * @return the manager
     * @throws IOException if the store cannot be opened or read
     */
    public static GroupManager start(ProcessManagerSettings settings, ComponentCalls components, MessageCodec codec)
            throws IOException {
        return start(settings, new RingDriver(settings.mpds(), settings.ringSecret()), components, codec);
    }

    /**
     * As {@link #start(ProcessManagerSettings, ComponentCalls, MessageCodec)}, on a given ring.
     *
     * @param settings   the process manager's settings (its mpds are not used)
     * @param ring       the ring groups run on
     * @param components how to reach the event manager
     * @param codec      the message codec
     * @return the manager
     * @throws IOException if the store cannot be opened or read
     */
    static GroupManager start(ProcessManagerSettings settings, Ring ring, ComponentCalls components, MessageCodec codec)
            throws IOException {
        GroupStore store;
        try {
            store = GroupStore.open(settings.database());
        } catch (IOException e) {
            ring.close();
            throw e;
        }
        OutboxSender outbox = new OutboxSender(store.outbox(), components, "process-manager");
        GroupManager manager = new GroupManager(settings, store, ring, outbox, codec);
        try {
            manager.numbers.set(manager.recovery.recover());
        } catch (IOException e) {
            manager.close();
            throw e;
        }
        manager.scheduleRetention();
        return manager;
    }

    private GroupManager(ProcessManagerSettings settings, GroupStore store, Ring ring, OutboxSender outbox,
                         MessageCodec codec) {
        this.settings = settings;
        this.store = store;
        this.ring = ring;
        this.outbox = outbox;
        this.codec = codec;
        this.planner = new GroupPlanner(settings.allowRoot(), OWN_ACCOUNT);
        this.follower = new GroupFollower(groups, store, ring, outbox, tasks);
        this.recovery = new GroupRecovery(groups, store, ring, follower, outbox, codec, settings.outputLimit(), tasks,
                this::forgetStarting, OWN_ACCOUNT);
    }

    /** @return how many groups it holds in each state (the {@code sss_process_groups} gauge) */
    public Map<String, Long> countByState() {
        return groups.countByState();
    }

    /**
     * The groups some restrictions select, among those the principal may act on.
     *
     * @param restrictions the request's {@code process-group} elements
     * @param principal    who asks
     * @return the matching groups, in creation order, each once
     * @throws SssException not-found for a pgid (without wildcard) that does not exist, permission-denied for one
     *                      that belongs to someone else
     */
    List<ProcessGroup> select(List<PgRestrictionType> restrictions, Principal principal) throws SssException {
        return groups.select(restrictions, principal);
    }

    // ---------------------------------------------------------------- create

    /**
     * Creates a group: checks it, records it, launches it.
     *
     * @param request   the request
     * @param principal who asks
     * @return the group (an existing one when the same submitter asks for the same pgid again)
     * @throws SssException bad-value, permission-denied, invalid-request (pgid taken), unavailable (no ring)
     */
    ProcessGroup create(CreatepgType request, Principal principal) throws SssException {
        GroupPlanner.Plan plan = planner.plan(request, principal);
        if (request.getPgid() != null) {
            if (request.getPgid().startsWith(QUEUE_MANAGERS_PGIDS) && !principal.isPrivileged()) {
                // The queue manager names its jobs' groups so (job-17-1): a user who took them first would make those
                // jobs fail to start, or, with their own job's, have it adopt a group they placed themselves.
                throw SssException.permissionDenied("pgids beginning " + QUEUE_MANAGERS_PGIDS + " are the queue manager's");
            }
            ProcessGroup existing = groups.get(request.getPgid());
            boolean again = existing != null && existing.submitter().equals(plan.submitter())
                    && existing.creator().equals(principal.toString());
            if (again && existing.state() == ProcessGroup.State.STARTING) {
                existing.awaitSettled(SETTLE_WAIT); // its create asked again: wait for its launch or its end
                existing = groups.get(request.getPgid());
            }
            if (existing != null) {
                if (again && existing.state() != ProcessGroup.State.STARTING) {
                    return existing;
                }
                throw SssException.invalidRequest("pgid " + request.getPgid() + " is taken");
            }
        }
        List<String> hosts = placement(plan);
        byte[] xml = codec.encode(FACTORY.createCreateProcessGroup(request));
        ProcessGroup group = reserve(request.getPgid(), plan, principal, xml, request);
        JobRequest job = new JobRequest(plan.sets(), plan.submitter(), "/", "discard".equals(plan.outputMode()) ? "discard"
                : "merged", List.of(), hosts, settings.killGrace(), true, group.tag(), keepBytes())
                .confinedTo(GroupConfinement.of(group.pgid(), request));
        try {
            store.insertStarting(new GroupStore.NewGroup(group.pgid(), plan.submitter(), principal.toString(),
                    plan.totalprocs(), plan.outputMode(), xml, group.created()), group.number(), group.tag());
        } catch (SQLException e) {
            groups.remove(group);
            throw new SssException(ErrorCode.UNAVAILABLE, "cannot record the group: " + e.getMessage(), e);
        }
        String jid;
        try {
            jid = ring.launch(job, follower.listener(group));
        } catch (MpdRequestException e) {
            forgetStarting(group);
            String missing = missingHost(hosts);
            if (missing != null) {
                throw new SssException(ErrorCode.UNAVAILABLE, "host " + missing + " is not in the ring now: " + e.getMessage());
            }
            throw SssException.badValue("the ring refused the group: " + e.getMessage());
        } catch (org.sss.mpd.client.AnswerLostException e) {
            // The mpd may have started it: forgetting the group now would leave its job running untracked, and the
            // queue manager's next try would start a second copy. It stays being created until its tag is looked for.
            LOG.warn("process-manager: pg {}: the answer to its launch was lost ({}); looking for its job by tag",
                    group.pgid(), e.getMessage());
            recovery.resolveLostLaunch(group);
            throw new SssException(ErrorCode.TIMED_OUT, "the launch of process group " + group.pgid()
                    + " was not answered; whether it started is being found out: ask again", e);
        } catch (IOException e) {
            forgetStarting(group);
            throw new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached: " + e.getMessage(), e);
        }
        try {
            store.markLaunched(group.pgid(), jid);
        } catch (SQLException e) {
            forgetStarting(group);
            abandon(jid);
            throw new SssException(ErrorCode.UNAVAILABLE, "cannot record the group: " + e.getMessage(), e);
        }
        group.launched(jid);
        group.markStored();
        outbox.wake();
        LOG.info("process-manager: pg {} of {} ranks for {} launched as job {} (by {})", group.pgid(), plan.totalprocs(),
                plan.submitter(), jid, principal);
        return group;
    }

    /** Takes a pgid (the asked-for one, or the next free number) for a group about to be launched. */
    private ProcessGroup reserve(String asked, GroupPlanner.Plan plan, Principal principal, byte[] xml, CreatepgType request)
            throws SssException {
        while (true) {
            long number = numbers.incrementAndGet();
            String pgid = asked != null ? asked : Long.toString(number);
            String tag = TAG + pgid + ":" + Long.toHexString(NONCES.nextLong());
            ProcessGroup group = new ProcessGroup(pgid, tag, number, plan.submitter(), principal.toString(),
                    plan.outputMode(), xml, request, Instant.now(), plan.execOfRank(), plan.coExecOfRank(), settings.outputLimit());
            if (groups.add(group)) {
                return group;
            }
            if (asked != null) {
                throw SssException.invalidRequest("pgid " + asked + " is taken");
            }
        }
    }

    /** A group whose launch failed: it was never started, so it is forgotten (memory and store). */
    private void forgetStarting(ProcessGroup group) {
        groups.remove(group);
        try {
            store.delete(List.of(group.pgid()));
        } catch (SQLException e) {
            LOG.warn("process-manager: pg {} was not started and could not be forgotten ({}); it is dropped at the next"
                    + " start", group.pgid(), e.getMessage());
        }
    }

    /** A job that ran but could not be recorded: nobody was told of it, so it must not run on. */
    private void abandon(String jid) {
        try {
            ring.kill(jid, UnixSignals.KILL);
        } catch (IOException | MpdRequestException e) {
            LOG.warn("process-manager: job {} could not be recorded nor killed ({}); it will be killed at the next"
                    + " start", jid, e.getMessage());
        }
    }

    private long keepBytes() {
        return 2 * settings.outputLimit() + 65536;
    }

    /**
     * @param hosts the hosts a group was placed on
     * @return one of them that is not in the ring now (its mpd is gone: a node problem, worth retrying later), or
     *         {@code null} when all are there or the ring cannot be read
     */
    private String missingHost(List<String> hosts) {
        try {
            Set<String> present = new java.util.HashSet<>();
            for (RingMember member : ring.members()) {
                present.add(member.id());
                present.add(member.host());
            }
            return hosts.stream().filter(host -> !present.contains(host)).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Each rank's host: the request's, else round-robin over the ring as the ring itself would place it; none at all
     * (the ring places every rank) when the request names no host.
     */
    private List<String> placement(GroupPlanner.Plan plan) throws SssException {
        String[] hosts = plan.hostOfRank().clone();
        if (java.util.Arrays.stream(hosts).allMatch(h -> h == null)) {
            return List.of();
        }
        if (!plan.fullyPlaced()) {
            List<RingMember> members;
            try {
                members = ring.members();
            } catch (IOException e) {
                throw new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached: " + e.getMessage(), e);
            }
            for (int rank = 0; rank < hosts.length; rank++) {
                if (hosts[rank] == null) {
                    hosts[rank] = members.get(rank % members.size()).id();
                }
            }
        }
        return List.of(hosts);
    }

    // ---------------------------------------------------------------- selection and actions

    /**
     * Signals a running group.
     *
     * @param group  the group
     * @param signal the signal
     * @param rank   one rank, or -1
     * @param whole  each rank's process group, or only the rank
     * @param why    {@code signal}, {@code kill} or {@code checkpoint}, for the event
     * @return which ranks it reached
     * @throws SssException invalid-state if the group does not run, unavailable if the ring cannot be reached
     */
    SignalDelivery signal(ProcessGroup group, int signal, int rank, boolean whole, String why) throws SssException {
        if (rank >= group.totalprocs()) {
            throw SssException.badValue("rank " + rank + " is outside process group " + group.pgid() + " of "
                    + group.totalprocs());
        }
        SignalDelivery delivery;
        group.signalling(1); // before the state is read: an end seen after it waits for this signal's event
        try {
            delivery = ring.signal(runningJob(group), signal, rank, whole);
            signalled(group, signal, why);
        } catch (MpdRequestException e) {
            throw SssException.invalidState("process group " + group.pgid() + " is no longer running: " + e.getMessage());
        } catch (IOException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached: " + e.getMessage(), e);
        } finally {
            group.signalling(-1);
        }
        return delivery;
    }

    /**
     * Kills a running group: SIGTERM to every rank's process group, SIGKILL after the grace period. A group whose
     * job has just ended (its end not yet here) needs no killing.
     *
     * @param group the group
     * @throws SssException invalid-state if it does not run, unavailable if the ring cannot be reached
     */
    void kill(ProcessGroup group) throws SssException {
        group.signalling(1); // before the state is read: an end seen after it waits for this kill's event
        String jid = null;
        try {
            jid = runningJob(group);
            ring.kill(jid, UnixSignals.TERM);
            signalled(group, UnixSignals.TERM, "kill");
        } catch (MpdRequestException e) {
            LOG.debug("process-manager: pg {}: its job {} has just ended ({}); nothing to kill", group.pgid(), jid,
                    e.getMessage());
        } catch (IOException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached: " + e.getMessage(), e);
        } finally {
            group.signalling(-1);
        }
    }

    private static String runningJob(ProcessGroup group) throws SssException {
        String jid = group.jid();
        if (group.state() != ProcessGroup.State.RUNNING || jid == null) {
            throw SssException.invalidState("process group " + group.pgid() + " is " + group.state().xml());
        }
        return jid;
    }

    private void signalled(ProcessGroup group, int signal, String why) {
        try {
            store.outbox().add(GroupFollower.event(SuiteEvent.PROCESS_GROUP_SIGNAL, group, pg -> {
                pg.setSignal(UnixSignals.name(signal));
                pg.setReason(why);
            }));
            outbox.wake();
        } catch (SQLException e) {
            LOG.error("process-manager: pg {}: signal event not stored: {}", group.pgid(), e.getMessage());
        }
        LOG.info("process-manager: pg {}: {} with SIG{}", group.pgid(), why, UnixSignals.name(signal));
    }

    /**
     * Forgets ended groups, in memory and in one durable commit: once this returns, their deletion may be acknowledged.
     * A group is forgotten only once its end and its {@code process-group-end} event are stored (deleting it before
     * would lose both).
     *
     * @param ended the groups, each ended with its end stored
     * @throws SssException invalid-state if one has not ended or its end is not stored yet (then none is forgotten),
     *                      unavailable if the store fails
     */
    void delete(List<ProcessGroup> ended) throws SssException {
        for (ProcessGroup group : ended) {
            if (group.state() != ProcessGroup.State.ENDED) {
                throw SssException.invalidState("process group " + group.pgid() + " is " + group.state().xml()
                        + "; kill it or wait for its end first");
            }
            if (!group.recorded().isDone()) {
                throw SssException.invalidState("process group " + group.pgid() + " has ended but its end is not"
                        + " stored yet; delete it again in a moment");
            }
        }
        try {
            forget(ended);
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "cannot delete: " + e.getMessage(), e);
        }
        for (ProcessGroup group : ended) {
            LOG.info("process-manager: pg {} deleted", group.pgid());
        }
    }

    /** Tells the ring to forget the groups' jobs, deletes the groups from the store in one commit, then from memory. */
    private void forget(List<ProcessGroup> ended) throws SQLException {
        for (ProcessGroup group : ended) {
            follower.release(group, false);
        }
        store.delete(ended.stream().map(ProcessGroup::pgid).toList());
        ended.forEach(groups::remove);
    }

    /**
     * Waits for groups to end and their ends to be stored.
     *
     * @param selected the groups
     * @param timeout  longest wait
     * @throws SssException timed-out
     */
    void awaitEnd(List<ProcessGroup> selected, Duration timeout) throws SssException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessGroup group : selected) {
            try {
                group.recorded().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new SssException(ErrorCode.TIMED_OUT, "process group " + group.pgid() + " has not ended within "
                        + java.math.BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString() + " s; wait again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SssException(ErrorCode.UNAVAILABLE, "interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new SssException(ErrorCode.INTERNAL_ERROR, "waiting failed: " + e.getCause());
            }
        }
    }

    /** Forgets, every so often, the ended groups whose retention has passed (see {@link GroupTable#expired}). */
    private void scheduleRetention() {
        long period = Math.max(1, Math.min(60, settings.endedRetention().toSeconds() / 2));
        tasks.scheduleWithFixedDelay(this::forgetExpired, period, period, TimeUnit.SECONDS);
    }

    private void forgetExpired() {
        List<ProcessGroup> expired = groups.expired(Instant.now().minus(settings.endedRetention()));
        if (expired.isEmpty()) {
            return;
        }
        try {
            forget(expired);
        } catch (SQLException e) {
            LOG.warn("process-manager: {} ended groups: cannot forget them ({}); trying again later", expired.size(),
                    e.getMessage());
            return;
        }
        for (ProcessGroup group : expired) {
            LOG.info("process-manager: pg {} forgotten: it ended more than {} s ago", group.pgid(),
                    settings.endedRetention().toSeconds());
        }
    }

    /** @return the checkpoint signal */
    int checkpointSignal() {
        return settings.checkpointSignal();
    }

    /** Stops following the ring (jobs run on, detached) and closes the store. */
    @Override
    public void close() {
        follower.close();
        recovery.close();
        tasks.shutdownNow();
        outbox.close();
        ring.close();
        store.close();
    }
}
