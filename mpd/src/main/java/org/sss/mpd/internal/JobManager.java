package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.client.UnixSignals;
import org.sss.mpd.internal.cgroup.Cgroups;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * The jobs an mpd takes part in: assembles the parts that run them and routes each job message to the part that
 * owns it ({@link #addRoutes}).
 *
 * <p>The mpd a console launches a job through is the job's root: it places the ranks and starts the job down a
 * k-ary tree of the job's hosts ({@link JobLaunch}); every mpd starts its own ranks and co-processes and reports
 * their output and ends ({@link LocalRanks}), which travel up the tree ({@link JobTree}) to the root, which passes
 * them to the console and keeps the count ({@link JobAccounting}). The root's commands — kill, signal, stdin,
 * forget — go to the hosts directly ({@link RankControl}); consoles' requests and their going are
 * {@link ConsoleRequests}'s, detached jobs' reattachment {@link DetachedJobs}', lost members {@link HostLoss}'s.
 * PMI-1 is {@link PmiPort}, {@link PmiJobs} and {@link KvsFences}; PMIx is {@link PmixJobs} (with its helper
 * process) and {@link PmixExchange}; {@code MPI_Comm_spawn} is {@link Spawns}, the
 * singleton init {@link Singletons}'s; the ring's name service {@link NameService}'s; confined jobs' control groups
 * are {@link JobCgroups}' and their limits {@link CgroupWatch}'s. {@link JobTable} holds the jobs. Everything here
 * belongs to one mpd: two mpds
 * in one JVM share nothing. Thread-safe.
 */
public final class JobManager implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mpd-jobs").factory());
    private final JobTable table;
    private final PmiPort pmiPort;
    private final SignalReports reports;
    private final RankControl control;
    private final JobTree tree;
    private final KvsFences fences;
    private final PmiJobs pmiJobs;
    private final LocalRanks local;
    private final JobLaunch launch;
    private final Spawns spawns;
    private final Singletons singletons;
    private final ConsoleRequests requests;
    private final DetachedJobs detached;
    private final HostLoss hostLoss;
    private final PmixJobs pmix;
    private final RankLossEvents lossEvents;
    private final NameService names;
    private final JobCgroups cgroups;
    private final CgroupWatch watch;
    private final OutputFlow flow;

    /**
     * @param ring        the ring (membership, this mpd)
     * @param peers       connections to other mpds
     * @param reactor     watches local ranks
     * @param launcher    spawns local ranks
     * @param fanout      children per tree node
     * @param graceMillis SIGTERM to SIGKILL delay
     * @param keepEnded   how long the end of a detached job is kept when no console releases it
     * @param consoles    the job console keys given to ranks and accepted from consoles
     * @param pmixHelper  the sss-pmix to run instead of the one built with the module (not an executable file: none)
     * @throws IOException if the PMI port cannot be bound
     */
    public JobManager(Ring ring, Peers peers, ProcessReactor reactor, RankLauncher launcher, int fanout, long graceMillis,
                      Duration keepEnded, JobConsoles consoles, java.util.Optional<java.nio.file.Path> pmixHelper)
            throws IOException {
        this.table = new JobTable(ring.self().id());
        this.pmiPort = new PmiPort(ring);
        this.reports = new SignalReports(timer);
        this.control = new RankControl(ring, peers, table, pmiPort, reports, timer, graceMillis);
        RankLossEvents lossEvents = new RankLossEvents(ring, peers, table, this::notifyLost);
        this.lossEvents = lossEvents;
        this.flow = new OutputFlow(ring, peers, table, reactor::reread);
        JobAccounting accounting = new JobAccounting(ring, table, control, lossEvents, timer, flow);
        this.tree = new JobTree(ring, peers, table, accounting, control);
        this.fences = new KvsFences(ring, peers, table);
        this.names = new NameService(ring, peers, timer);
        this.pmiJobs = new PmiJobs(ring, fences, tree, this::spawn, names);
        this.pmix = new PmixJobs(ring, peers, table, tree, pmixHelper.isPresent()
                ? pmixHelper.filter(java.nio.file.Files::isRegularFile).filter(java.nio.file.Files::isExecutable)
                : PmixJobs.builtHelper(), names, this::pmixSpawn);
        Cgroups.Detected found = Cgroups.detect(
                ring.self().id() + "@" + ring.self().endpoint().host() + ":" + ring.self().endpoint().port());
        this.cgroups = new JobCgroups(found.driver(), found.problem(), ring.self().id(), this::cgroupMade);
        this.watch = new CgroupWatch(ring, peers, table, control, cgroups, timer);
        this.local = new LocalRanks(ring, table, tree, control, pmiPort, launcher, reactor, consoles, pmix, cgroups);
        this.launch = new JobLaunch(ring, peers, table, pmiJobs, local, tree, fanout, graceMillis, flow);
        this.spawns = new Spawns(ring, peers, table, pmiJobs, launch, fanout);
        this.singletons = new Singletons(ring, table, pmiJobs, local, fanout, graceMillis);
        this.requests = new ConsoleRequests(ring, peers, table, control, singletons, consoles);
        this.detached = new DetachedJobs(ring, table, timer, keepEnded, flow);
        this.hostLoss = new HostLoss(ring, table, control, accounting, reports, tree);
    }

    /** A confined job's group was made here: its limits are watched while it lives. */
    private void cgroupMade() {
        watch.groupMade();
    }

    /** Events about lost ranks go to this host's PMIx server, which is made after the parts that announce them. */
    private void notifyLost(Job job, String event, List<Integer> ranks, String host, String why) {
        pmix.notifyLost(job, event, ranks, host, why);
    }

    /** MPI_Comm_spawn closes the one loop among the parts: a job's PMI view starts jobs, which get PMI views. */
    private void spawn(Job parent, List<SpawnRequest.Command> commands, IntConsumer result) {
        spawns.request(parent, commands, result);
    }

    /** PMIx_Spawn takes the same path as MPI_Comm_spawn over PMI-1. */
    private void pmixSpawn(Job parent, List<SpawnRequest.Command> commands, String asker, Spawns.Result result) {
        spawns.request(parent, commands, asker, result);
    }

    /**
     * Routes the job messages — those of consoles about jobs and those between the mpds of a job — each to the
     * part that owns it.
     *
     * @param routes the mpd's table
     */
    public void addRoutes(MessageRoutes routes) {
        routes.on("launch", launch::launch)
                .on("job-start", (link, message) -> launch.onStart(message))
                .on(List.of("job-out", "job-stdin-ok", "job-exit", "job-host-failed", "job-abort", "job-spawned",
                        "job-coexit"),
                        (link, message) -> tree.onUpward(message))
                .on(List.of("kill", "sigjob", "stdin"), requests::onRequest)
                .on("job-request", (link, message) -> requests.onJobRequest(message))
                .on("job-event", (link, message) -> lossEvents.onEvent(message))
                .on("job-kill", (link, message) -> control.onKill(message))
                .on("job-signal", (link, message) -> control.onSignal(message))
                .on("job-signalled", (link, message) -> reports.onSignalled(message))
                .on("job-forget", (link, message) -> control.onForget(message))
                .on("job-flow", (link, message) -> flow.onFlow(message))
                .on("job-stdin", (link, message) -> control.onStdin(message))
                .on("attach", detached::attach)
                .on("release", detached::release)
                .on("kvs-fence", (link, message) -> fences.onKvsFence(message))
                .on("kvs-commit", (link, message) -> fences.onKvsCommit(message))
                .on("pmix-fence", (link, message) -> pmix.exchange().onFence(message))
                .on("pmix-commit", (link, message) -> pmix.exchange().onCommit(message))
                .on("pmix-dmodex", (link, message) -> pmix.exchange().onDirectModex(message))
                .on("pmix-dmodex-data", (link, message) -> pmix.exchange().onDirectModexData(message))
                .on("pmix-procs-query", (link, message) -> pmix.queries().onProcsQuery(message))
                .on("pmix-procs", (link, message) -> pmix.queries().onProcs(message))
                .on("pmix-connect", (link, message) -> pmix.connects().onConnect(message))
                .on("pmix-connect-done", (link, message) -> pmix.connects().onConnectDone(message))
                .on("job-spawn", (link, message) -> spawns.onSpawn(message))
                .on("job-spawn-result", (link, message) -> spawns.onSpawnResult(message))
                .on("singleton", singletons::singleton)
                .on("pmi", (link, message) -> singletons.onPmiRelay(message))
                .on("singleton-end", (link, message) -> singletons.onSingletonEnd(message))
                .on("name-request", (link, message) -> names.onRequest(message))
                .on("name-reply", (link, message) -> names.onReply(message))
                .on("name-drop", (link, message) -> names.onDrop(message))
                .on(List.of("job-usage", "job-exceeded"), (link, message) -> watch.onRootMessage(message));
    }

    /** @return the PMI port ranks are given ({@code addr:port}) */
    public String pmiPort() {
        return pmiPort.port();
    }

    /**
     * Members left or died: jobs rooted on them lose their local ranks here; jobs rooted here end with a message
     * naming the lost host.
     *
     * @param lost ids of the members gone
     */
    public void membersGone(Set<String> lost) {
        hostLoss.membersGone(lost);
        names.membersGone(lost);
    }

    /**
     * A console went away: attached jobs it launched are killed; detached ones run on.
     *
     * @param console the link that closed
     */
    public void consoleClosed(Link console) {
        flow.consoleGone(console);
        requests.consoleClosed(console);
    }

    /** @return the keys of job consoles this mpd accepts now: those of the jobs with ranks here */
    public List<SharedKey> consoleKeys() {
        return requests.consoleKeys();
    }

    /** @return one line per local rank: {@code jid rank pid user exec} */
    public List<String> localRanks() {
        return local.lines();
    }

    /** @return one line per detached job led here: {@code jid state tag}, state {@code running} or {@code ended} */
    public List<String> detachedJobs() {
        return detached.lines();
    }

    /** @return the number of jobs this mpd takes part in */
    public int jobCount() {
        return table.size();
    }

    /** Kills every local rank (the mpd is exiting). */
    @Override
    public void close() {
        for (Job job : table.all()) {
            control.killLocal(job, UnixSignals.KILL, -1, true);
        }
        timer.shutdownNow();
        cgroups.close();
        pmiPort.close();
        pmix.close();
    }
}
