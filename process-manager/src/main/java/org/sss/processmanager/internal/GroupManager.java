package org.sss.processmanager.internal;

import jakarta.xml.bind.JAXBElement;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Events;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.store.Outbox;
import org.sss.lib.wire.Principal;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.Restriction;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.SignalDelivery;
import org.sss.mpd.client.UnixSignals;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerSettings;
import org.sss.schema.CreatepgType;
import org.sss.schema.ObjectFactory;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.PgType;
import org.sss.schema.ProcRestrictionType;
import org.sss.schema.SuiteEvent;

/**
 * The process manager's table of process groups and what it does with them: creates them (recorded durably, then
 * launched on the ring as detached jobs tagged {@code pg:PGID}), follows their jobs' events, stores each end before
 * anyone is told of it, and keeps following across its own restarts and broken consoles — re-attaching to the job
 * at the mpd that leads it, which replays the job's story, or ending the group as lost when the ring no longer runs
 * it. Events {@code process-group-signal} and {@code process-group-end} go out through the store's outbox.
 * Thread-safe.
 */
public final class GroupManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);
    /** Exit status of a group whose job the ring lost. */
    static final int LOST = 255;
    private static final String TAG = "pg:";
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();
    /** Who a privileged caller's process-spec without a user runs as: the account this process manager runs as. */
    private static final String OWN_ACCOUNT = System.getProperty("user.name", "");

    private final ProcessManagerSettings settings;
    private final GroupStore store;
    private final Ring ring;
    private final OutboxSender outbox;
    private final MessageCodec codec;
    private final GroupPlanner planner;
    private final Map<String, ProcessGroup> groups = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong numbers = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pm-groups").factory());
    private volatile boolean closed;

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
            manager.recover();
        } catch (IOException e) {
            manager.close();
            throw e;
        }
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
    }

    /** @return how many groups it holds in each state (the {@code sss_process_groups} gauge) */
    public java.util.Map<String, Long> countByState() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (ProcessGroup.State state : ProcessGroup.State.values()) {
            counts.put(state.xml(), 0L);
        }
        for (ProcessGroup group : groups.values()) {
            counts.merge(group.state().xml(), 1L, Long::sum);
        }
        return counts;
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
            ProcessGroup existing = groups.get(request.getPgid());
            if (existing != null) {
                if (existing.submitter().equals(plan.submitter()) && existing.state() != ProcessGroup.State.STARTING) {
                    return existing;
                }
                throw SssException.invalidRequest("pgid " + request.getPgid() + " is taken");
            }
        }
        List<String> hosts = placement(plan);
        byte[] xml = codec.encode(FACTORY.createCreateProcessGroup(request));
        ProcessGroup group = reserve(request.getPgid(), plan, principal, xml, request);
        JobRequest job = new JobRequest(plan.sets(), plan.submitter(), "/", "discard".equals(plan.outputMode()) ? "discard"
                : "merged", List.of(), hosts, settings.killGrace(), true, group.tag(), keepBytes());
        try {
            store.insertStarting(new GroupStore.NewGroup(group.pgid(), plan.submitter(), principal.toString(),
                    plan.totalprocs(), plan.outputMode(), xml, group.created()), group.number(), group.tag());
        } catch (SQLException e) {
            groups.remove(group.pgid(), group);
            throw new SssException(ErrorCode.UNAVAILABLE, "cannot record the group: " + e.getMessage(), e);
        }
        String jid;
        try {
            jid = ring.launch(job, listener(group));
        } catch (MpdRequestException e) {
            forgetStarting(group);
            String missing = missingHost(hosts);
            if (missing != null) {
                throw new SssException(ErrorCode.UNAVAILABLE, "host " + missing + " is not in the ring now: " + e.getMessage());
            }
            throw SssException.badValue("the ring refused the group: " + e.getMessage());
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
                    plan.outputMode(), xml, request, Instant.now(), plan.execOfRank(), coExecs(plan), settings.outputLimit());
            if (groups.putIfAbsent(pgid, group) == null) {
                return group;
            }
            if (asked != null) {
                throw SssException.invalidRequest("pgid " + asked + " is taken");
            }
        }
    }

    /** A group whose launch failed: it was never started, so it is forgotten (memory and store). */
    private void forgetStarting(ProcessGroup group) {
        groups.remove(group.pgid(), group);
        try {
            store.delete(group.pgid());
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

    private static String[] coExecs(GroupPlanner.Plan plan) {
        String[] co = new String[plan.totalprocs()];
        int rank = 0;
        for (JobRequest.ProcessSet set : plan.sets()) {
            for (int i = 0; i < set.count(); i++) {
                co[rank++] = set.coProcess();
            }
        }
        return co;
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

    /**
     * @param name    the event
     * @param group   the group it is about
     * @param details sets what this event says of the group beyond its pgid and submitter
     * @return the event, carrying the group's header
     */
    private static Outbox.Event event(SuiteEvent name, ProcessGroup group, java.util.function.Consumer<PgType> details) {
        PgType pg = new PgType();
        pg.setPgid(group.pgid());
        pg.setSubmitter(group.submitter());
        details.accept(pg);
        return new Outbox.Event(Events.processGroup(name, ProcessManager.NAME, pg));
    }

    // ---------------------------------------------------------------- following the ring

    private Consumer<JobEvent> listener(ProcessGroup group) {
        return event -> {
            if (event instanceof JobEvent.Disconnected disconnected) {
                if (!closed && group.state() != ProcessGroup.State.ENDED) {
                    LOG.warn("process-manager: pg {}: console to the ring lost ({}); re-attaching", group.pgid(),
                            disconnected.reason());
                    tasks.schedule(() -> reattach(group, 0), 200, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (group.apply(event) != null) {
                tasks.execute(() -> recordEnd(group, true));
            }
        };
    }

    private void recordEnd(ProcessGroup group, boolean release) {
        if (!group.stored() || group.signalInFlight()) {
            if (groups.get(group.pgid()) == group) {
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
            }));
        } catch (SQLException e) {
            LOG.error("process-manager: pg {}: its end could not be stored ({}); retrying", group.pgid(), e.getMessage());
            tasks.schedule(() -> recordEnd(group, release), 1, TimeUnit.SECONDS);
            return;
        }
        group.recorded().complete(null);
        outbox.wake();
        LOG.info("process-manager: pg {} ended with status {}{}", group.pgid(), group.exitStatus(),
                group.reason() == null ? "" : " (" + group.reason() + ")");
        if (release) {
            release(group);
        }
    }

    private void release(ProcessGroup group) {
        String jid = group.jid();
        if (jid == null || group.released()) {
            return;
        }
        try {
            ring.release(jid);
            group.markReleased();
            store.markReleased(group.pgid());
        } catch (IOException | MpdRequestException | SQLException e) {
            LOG.info("process-manager: pg {}: ring job {} not released yet ({})", group.pgid(), jid, e.getMessage());
        }
    }

    /** Follows a group's job again after its console broke: at the mpd that leads it, or ends the group as lost. */
    private void reattach(ProcessGroup group, int attempt) {
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

    // ---------------------------------------------------------------- recovery after a restart

    /**
     * Loads the stored groups and, in the background, finds the running ones on the ring again.
     *
     * @throws IOException if the store cannot be read
     */
    void recover() throws IOException {
        List<GroupStore.StoredGroup> stored;
        try {
            stored = store.loadAll();
        } catch (SQLException e) {
            throw new IOException("cannot read the process groups: " + e.getMessage(), e);
        }
        List<ProcessGroup> unfinished = new ArrayList<>();
        long restoredUpTo;
        try {
            restoredUpTo = store.lastNumber();
            numbers.set(restoredUpTo);
        } catch (SQLException e) {
            throw new IOException("cannot read the process groups: " + e.getMessage(), e);
        }
        for (GroupStore.StoredGroup record : stored) {
            ProcessGroup group = restore(record);
            groups.put(group.pgid(), group);
            if (record.end() == null) {
                unfinished.add(group);
            }
        }
        if (!stored.isEmpty()) {
            LOG.info("process-manager: {} process groups in the store, {} to find on the ring again", stored.size(),
                    unfinished.size());
        }
        tasks.execute(() -> reconcile(restoredUpTo, 0));
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
            GroupPlanner.Plan plan = new GroupPlanner(true, OWN_ACCOUNT).plan(request, new Principal("store", org.sss.lib.wire.Role.ADMIN, null));
            System.arraycopy(plan.execOfRank(), 0, exec, 0, exec.length);
            System.arraycopy(coExecs(plan), 0, co, 0, co.length);
        } catch (SssException e) {
            java.util.Arrays.fill(exec, "?");
            java.util.Arrays.fill(co, "");
        }
        ProcessGroup group = new ProcessGroup(record.pgid(), record.tag(), record.number(), record.group().submitter(),
                record.group().creator(), record.group().outputMode(), record.group().request(), request,
                record.group().created(), exec, co, settings.outputLimit());
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
        List<DetachedJob> jobs;
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
        for (ProcessGroup group : sorted()) {
            known.add(group.tag());
            if (group.number() > restoredUpTo) {
                continue;
            }
            switch (group.state()) {
                case ENDED -> release(group);
                case RUNNING -> reattach(group, 0);
                case STARTING -> resolveStarting(group, jobs);
            }
        }
        for (DetachedJob job : jobs) {
            if (job.tag().startsWith(TAG) && !known.contains(job.tag())) {
                orphan(job);
            }
        }
    }

    /**
     * A group found in the store as being created: the process manager stopped between recording it and recording its
     * job. If the ring has a job with its tag, the group was launched and is followed; otherwise it never started and
     * is forgotten, so that whoever asked for it (the queue manager) learns it does not exist and can ask again.
     */
    private void resolveStarting(ProcessGroup group, List<DetachedJob> jobs) {
        DetachedJob launched = jobs.stream().filter(job -> job.tag().equals(group.tag())).findFirst().orElse(null);
        if (launched == null) {
            LOG.warn("process-manager: pg {} was being created when the process manager stopped and its job never"
                    + " started; forgotten", group.pgid());
            forgetStarting(group);
            return;
        }
        try {
            store.markLaunched(group.pgid(), launched.jid());
        } catch (SQLException e) {
            LOG.warn("process-manager: pg {}: cannot record its job {} ({}); retried at the next start", group.pgid(),
                    launched.jid(), e.getMessage());
            return;
        }
        group.launched(launched.jid());
        outbox.wake();
        LOG.info("process-manager: pg {} was being created when the process manager stopped; its job {} is followed",
                group.pgid(), launched.jid());
        reattach(group, 0);
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

    // ---------------------------------------------------------------- selection and actions

    /**
     * @return every group, in creation order
     */
    List<ProcessGroup> sorted() {
        List<ProcessGroup> all = new ArrayList<>(groups.values());
        all.sort(Comparator.comparingLong(ProcessGroup::number));
        return all;
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
        Set<ProcessGroup> selected = new LinkedHashSet<>();
        for (PgRestrictionType restriction : restrictions) {
            String pgid = restriction.getPgid();
            if (pgid != null && !pgid.contains(Restriction.ANY)) {
                ProcessGroup group = groups.get(pgid);
                if (group == null) {
                    throw SssException.notFound("no process group " + pgid);
                }
                if (!principal.mayActFor(group.submitter())) {
                    throw SssException.permissionDenied(principal + " may not act on process group " + pgid + " of "
                            + group.submitter());
                }
                if (matches(restriction, group)) {
                    selected.add(group);
                }
                continue;
            }
            for (ProcessGroup group : sorted()) {
                if (principal.mayActFor(group.submitter()) && matches(restriction, group)) {
                    selected.add(group);
                }
            }
        }
        List<ProcessGroup> result = new ArrayList<>(selected);
        result.sort(Comparator.comparingLong(ProcessGroup::number));
        return result;
    }

    /**
     * @param restriction a restriction
     * @return whether it names one group explicitly (a pgid without wildcard)
     */
    static boolean explicit(PgRestrictionType restriction) {
        return restriction.getPgid() != null && !restriction.getPgid().contains(Restriction.ANY);
    }

    private static boolean matches(PgRestrictionType restriction, ProcessGroup group) {
        if (!Restriction.matches(restriction.getPgid(), group.pgid())
                || !Restriction.matches(restriction.getSubmitter(), group.submitter())
                || !Restriction.matches(restriction.getTotalprocs(), Integer.toString(group.totalprocs()))
                || !Restriction.matches(restriction.getState(), group.state().xml())) {
            return false;
        }
        if (restriction.getProcess().isEmpty()) {
            return true;
        }
        for (ProcessGroup.Rank rank : group.ranks()) {
            for (ProcRestrictionType process : restriction.getProcess()) {
                if (Restriction.matches(process.getHost(), rank.host())
                        && Restriction.matches(process.getPid(), Integer.toString(rank.pid()))
                        && Restriction.matches(process.getExec(), rank.exec())) {
                    return true;
                }
            }
        }
        return false;
    }

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
        String jid = runningJob(group);
        if (rank >= group.totalprocs()) {
            throw SssException.badValue("rank " + rank + " is outside process group " + group.pgid() + " of "
                    + group.totalprocs());
        }
        SignalDelivery delivery;
        group.signalling(1);
        try {
            delivery = ring.signal(jid, signal, rank, whole);
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
        String jid = runningJob(group);
        group.signalling(1);
        try {
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
            store.outbox().add(event(SuiteEvent.PROCESS_GROUP_SIGNAL, group, pg -> {
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
     * Forgets an ended group.
     *
     * @param group the group
     * @throws SssException invalid-state if it has not ended, unavailable if the store fails
     */
    void delete(ProcessGroup group) throws SssException {
        if (group.state() != ProcessGroup.State.ENDED) {
            throw SssException.invalidState("process group " + group.pgid() + " is " + group.state().xml()
                    + "; kill it or wait for its end first");
        }
        release(group);
        try {
            store.delete(group.pgid());
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "cannot delete: " + e.getMessage(), e);
        }
        groups.remove(group.pgid(), group);
        LOG.info("process-manager: pg {} deleted", group.pgid());
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
                        + timeout.toSeconds() + " s; wait again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SssException(ErrorCode.UNAVAILABLE, "interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new SssException(ErrorCode.INTERNAL_ERROR, "waiting failed: " + e.getCause());
            }
        }
    }

    /** @return the checkpoint signal */
    int checkpointSignal() {
        return settings.checkpointSignal();
    }

    /** Stops following the ring (jobs run on, detached) and closes the store. */
    @Override
    public void close() {
        closed = true;
        tasks.shutdownNow();
        outbox.close();
        ring.close();
        store.close();
    }
}
