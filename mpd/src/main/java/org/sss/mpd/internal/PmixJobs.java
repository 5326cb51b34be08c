package org.sss.mpd.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.PmixSecurity;
import org.sss.mpd.internal.pmix.OpenMpiFabric;
import org.sss.mpd.internal.pmix.PmixHelper;
import org.sss.mpd.internal.pmix.PmixRegistration;

/**
 * This mpd's PMIx server: the {@code sss-pmix} helper ({@link PmixHelper}), which holds OpenPMIx's server library,
 * and what the mpd does with it. Before a job's ranks start here their namespace and this host's ranks are
 * registered, and each rank gets the variables the library's {@code PMIx_server_setup_fork} gives it; a rank's
 * {@code PMIx_Init} and {@code PMIx_Finalize} are noted on its {@link LocalRank} (a rank that exits connected and not
 * finalized has failed, as with PMI-1); {@code PMIx_Abort} ends the job with its status, naming the rank, as
 * {@code MPI_Abort} does under PMI-1; fences and direct modex go over the job's tree ({@link PmixExchange}); the loss of a job's ranks elsewhere is
 * notified to its ranks here ({@link #notifyLost}, from {@link RankLossEvents}); once a job's ranks here have all
 * ended its namespace is deregistered. Publish, lookup and unpublish go to the ring's {@link NameService}
 * ({@link PmixNames}).
 *
 * <p>The helper is started by the first job that has ranks here and asks for PMIx (as every job does by default), and
 * that job's ranks wait for it: a host that never runs such a job never pays for the helper (a process, ~10 MB),
 * which matters when many members share one machine ({@code mpd --members N}).
 *
 * <p>The helper is built only where libpmix-dev was present; without it, or when it cannot start, the mpd says so
 * once in its log and serves PMI-1 alone: a job that asks for PMIx only ({@code mpiexec --pmi pmix}) then fails to
 * start its ranks here, saying why. A helper that dies is started again for the next job; one that cannot start is
 * tried again a minute later at the earliest, so jobs do not each wait for it. Thread-safe.
 */
final class PmixJobs implements PmixHelper.Upcalls, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PmixJobs.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(30);
    /** After the helper failed to start, jobs go without PMIx this long before it is tried again. */
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    /** A namespace is the job id with this prefix. */
    static final String NSPACE_PREFIX = "sss.";

    /** Variables that lead Open MPI 4 to its PMIx server; see docs/PMIX.md. */
    private static final List<String> OPEN_MPI = List.of("OMPI_MCA_schizo=^orte");

    private final Ring ring;
    private final JobTree tree;
    private final Optional<Path> executable;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final PmixExchange exchange;
    private final NameService names;
    private final PmixNames pmixNames;
    private final PmixQueries queries;
    private final PmixConnects connects;
    private final PmixSpawns spawns;
    private final OpenMpiFabric fabric = OpenMpiFabric.ofThisHost();
    private PmixHelper helper;
    private PmixHelper.Ready ready;
    private String unavailable;
    private long failedAt;
    private boolean closed;

    /**
     * What a job's ranks here get from PMIx.
     *
     * @param env      each local rank's own variables (empty when the job is not served PMIx here)
     * @param defaults variables every local rank gets unless the job sets them
     * @param problem  why PMIx cannot serve the job here, or null
     */
    record Served(Map<Integer, List<String>> env, List<String> defaults, String problem) {
        static final Served NONE = new Served(Map.of(), List.of(), null);
    }

    /**
     * @param ring       the ring (this mpd, the members)
     * @param peers      connections to other mpds
     * @param table      the jobs
     * @param tree       carries aborts to the root
     * @param executable the sss-pmix helper, if it was built
     * @param names      the ring's name service
     * @param spawner    starts the jobs a rank's PMIx_Spawn asks for
     */
    PmixJobs(Ring ring, Peers peers, JobTable table, JobTree tree, Optional<Path> executable, NameService names,
             PmixSpawns.Spawner spawner) {
        this.ring = ring;
        this.tree = tree;
        this.executable = executable;
        this.connects = new PmixConnects(ring, peers, table, this::helperOrNull, jobs::get);
        this.spawns = new PmixSpawns(ring.self().id(), jobs::get, this::helperOrNull, spawner);
        this.exchange = new PmixExchange(ring, peers, table, this::helperOrNull, jobs::get, connects::hostOf);
        this.names = names;
        this.pmixNames = new PmixNames(names, this::selfId, jobs::get, this::helperOrNull);
        this.queries = new PmixQueries(ring, peers, table, this::helperOrNull);
        if (executable.isEmpty()) {
            unavailable = "no sss-pmix (it is built only where libpmix-dev is installed, and --pmix-helper names none)";
            LOG.info("mpd {}: pmix: {}; serving PMI-1 only", selfId(), unavailable);
        }
    }

    private String selfId() {
        return ring.self().id();
    }

    /** @return the sss-pmix built with the module: next to its classes, else under the suite's home */
    static Optional<Path> builtHelper() {
        List<Path> candidates = new ArrayList<>();
        try {
            Path classes = Path.of(PmixJobs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(classes.resolveSibling("native").resolve("sss-pmix"));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not loaded from disk; the suite's home may still tell
        }
        for (String home : new String[] {System.getProperty("sss.home"), System.getenv("SSS_HOME")}) {
            if (home != null && !home.isBlank()) {
                candidates.add(Path.of(home, "mpd", "target", "native", "sss-pmix"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** @return the running helper, started (again) if needed, or null when PMIx is unavailable (why: unavailable) */
    private synchronized PmixHelper helper() {
        if (closed || executable.isEmpty()) {
            return null;
        }
        if (helper != null && helper.deadReason() == null) {
            return helper;
        }
        if (failedAt != 0 && System.nanoTime() - failedAt < RETRY_AFTER.toNanos()) {
            return null;
        }
        PmixHelper started = null;
        try {
            PmixSecurity security = PmixSecurity.configured().resolve(PmixSecurity.MUNGE_SOCKET);
            started = PmixHelper.start(executable.get(), selfId(), security.option(), this);
            ready = started.awaitReady(READY_TIMEOUT);
            helper = started;
            unavailable = null;
            LOG.info("mpd {}: pmix: server up ({}), security {}; Open MPI's ranks get {}", selfId(), ready.version(),
                    security.option(), fabric.device().map(d -> "no PML setting (fabric device " + d + ")")
                            .orElse(OpenMpiFabric.OB1 + " (no fabric device)"));
            if (security == PmixSecurity.NATIVE && Posix.uid() == 0) {
                LOG.warn("mpd {}: pmix: serving other users' jobs with native security: a local user who learns a job's"
                        + " namespace can connect as one of its ranks and act as its user; run munged on every node and"
                        + " --pmix-security munge (docs/PMIX.md, Security)", selfId());
            }
            return helper;
        } catch (IOException e) {
            if (started != null) {
                started.close(); // one that did not come up in time must not linger beside the next one started
            }
            if (!e.getMessage().equals(unavailable)) {
                LOG.warn("mpd {}: pmix: the PMIx server cannot start: {}; serving PMI-1 only", selfId(), e.getMessage());
            }
            unavailable = e.getMessage();
            failedAt = System.nanoTime();
            return null;
        }
    }

    private synchronized PmixHelper helperOrNull() {
        return helper != null && helper.deadReason() == null ? helper : null;
    }

    /**
     * Registers a job's namespace and this host's ranks, before they start.
     *
     * @param job this mpd's part of the job
     * @return the variables its local ranks get, or why PMIx cannot serve it
     */
    Served register(Job job) {
        try {
            return registerHere(job);
        } finally {
            job.pmixDecided = true;
            exchange.decided(job);
        }
    }

    private Served registerHere(Job job) {
        JobSpec spec = job.spec;
        List<Integer> ranks = spec.ranksOn(job.index);
        if (!spec.pmi().servesPmix() || ranks.isEmpty()) {
            return Served.NONE;
        }
        PmixHelper server = helper();
        if (server == null) {
            return new Served(Map.of(), List.of(), "this mpd serves no PMIx: " + unavailable);
        }
        List<String> rankHost = new ArrayList<>(spec.size());
        for (int host : spec.rankHost()) {
            rankHost.add(spec.treeHosts().get(host));
        }
        List<Integer> apps = spec.sets().stream().map(JobSpec.RankSet::count).toList();
        Map<Integer, String> users = new LinkedHashMap<>();
        ranks.forEach(rank -> users.put(rank, spec.setOf(rank).runAs()));
        String nspace = NSPACE_PREFIX + spec.jid();
        PmixRegistration request = PmixRegistration.of(nspace, spec.jid(), Math.max(spec.size(), ring.membership().size()),
                spec.spawned(), rankHost, apps, selfId(), users);
        String parent = parentOf(spec);
        if (parent != null) {
            request = request.withParent(parent);
        }
        jobs.put(nspace, job);
        job.pmixNspace = nspace;
        PmixHelper.Registration registration = server.register(request, REGISTER_TIMEOUT);
        if (registration.problem() != null) {
            jobs.remove(nspace, job);
            job.pmixNspace = null;
            return new Served(Map.of(), List.of(), registration.problem());
        }
        LOG.debug("mpd {}: pmix: job {}: namespace {} registered with {} local ranks", selfId(), spec.jid(), nspace,
                ranks.size());
        return new Served(registration.env(), defaults(spec), null);
    }

    /** @return the process that spawned the job by PMIx_Spawn ({@code NSPACE:RANK}), or null */
    private static String parentOf(JobSpec spec) {
        String prefix = Spawns.PMIX_PARENT + "=";
        return spec.preput().stream().filter(p -> p.startsWith(prefix)).map(p -> p.substring(prefix.length()))
                .findFirst().orElse(null);
    }

    /**
     * Open MPI's settings for a job: {@link #OPEN_MPI}, the PML when this host has no fabric device
     * ({@link OpenMpiFabric}), and when another host of the job is on this machine (a ring
     * of several mpds on one computer) a shared-memory directory of this mpd's own, as Open MPI names its segments
     * after the machine, the job and the local rank, which two mpds would share.
     */
    private List<String> defaults(JobSpec spec) {
        List<String> defaults = new ArrayList<>(OPEN_MPI);
        defaults.addAll(fabric.defaults());
        String shmDir = ready == null ? null : ready.shmDir();
        if (shmDir != null && sharesMachine(spec)) {
            defaults.add("OMPI_MCA_btl_vader_backing_directory=" + shmDir);
        }
        return defaults;
    }

    private boolean sharesMachine(JobSpec spec) {
        String own = ring.self().endpoint().host();
        for (int host : spec.rankHost()) {
            String id = spec.treeHosts().get(host);
            if (id.equals(selfId())) {
                continue;
            }
            Optional<Member> member = ring.membership().member(id);
            if (member.isPresent() && sameMachine(own, member.get().endpoint().host())) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameMachine(String a, String b) {
        return a.equals(b) || (loopback(a) && loopback(b));
    }

    private static boolean loopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("localhost");
    }

    /**
     * Every rank of the job here has ended: the library forgets its namespace.
     *
     * @param job this mpd's part of the job
     */
    void ended(Job job) {
        names.jobEnded(job.jid());
        exchange.forget(job.jid());
        connects.forget(NSPACE_PREFIX + job.jid());
        String nspace = job.pmixNspace;
        if (nspace != null && jobs.remove(nspace, job)) {
            job.pmixNspace = null;
            PmixHelper server = helperOrNull();
            if (server != null) {
                server.deregister(nspace);
            }
        }
    }

    /**
     * Ranks of a job were lost: the library tells the job's ranks here, and the job's {@link Job#pmixEvents} holds a
     * kill until it has.
     *
     * @param job   this mpd's part of the job
     * @param event what happened ({@link RankLossEvents})
     * @param ranks the lost ranks
     * @param host  the lost host, or null
     * @param why   a line saying what happened
     */
    void notifyLost(Job job, String event, List<Integer> ranks, String host, String why) {
        String nspace = job.pmixNspace;
        PmixHelper server = helperOrNull();
        if (nspace == null || server == null) {
            return;
        }
        CompletableFuture<String> told = server.notify(nspace, event, ranks, host, why);
        synchronized (job) {
            job.pmixEvents = CompletableFuture.allOf(job.pmixEvents, told);
        }
        told.thenAccept(status -> LOG.debug("mpd {}: pmix: job {}: {} of ranks {} told the local ranks: {}", selfId(),
                job.jid(), event, ranks, status));
    }

    /** @return the connect and disconnect collectives, whose routes the job manager adds */
    PmixConnects connects() {
        return connects;
    }

    @Override
    public void spawn(long id, String nspace, long rank, byte[] apps) {
        spawns.spawn(id, nspace, rank, apps);
    }

    @Override
    public void connect(long id, boolean connect, byte[] procs) {
        connects.entered(id, connect, procs);
    }

    /** @return the tree exchange of fences and direct modex, whose routes the job manager adds */
    PmixExchange exchange() {
        return exchange;
    }

    /** @return the answers to queries and tools, whose routes the job manager adds */
    PmixQueries queries() {
        return queries;
    }

    private LocalRank localRank(String nspace, long rank) {
        Job job = jobs.get(nspace);
        return job == null || rank < 0 || rank > Integer.MAX_VALUE ? null : job.ranks.get((int) rank);
    }

    @Override
    public void connected(String nspace, long rank) {
        LocalRank local = localRank(nspace, rank);
        if (local != null) {
            local.pmix = LocalRank.PMIX_CONNECTED;
        }
    }

    @Override
    public void finalized(long id, String nspace, long rank) {
        LocalRank local = localRank(nspace, rank);
        if (local != null) {
            local.pmix = LocalRank.PMIX_FINALIZED;
        }
        PmixHelper server = helperOrNull();
        if (server != null) {
            server.answer(id, "ok");
        }
    }

    @Override
    public void aborted(long id, String nspace, long rank, int status, String why) {
        Job job = jobs.get(nspace);
        PmixHelper server = helperOrNull();
        if (job == null) {
            LOG.warn("mpd {}: pmix: abort from a rank of unknown namespace {}", selfId(), nspace);
        } else {
            LOG.info("mpd {}: job {} rank {} called PMIx_Abort({}){}", selfId(), job.jid(), rank, status,
                    why == null ? "" : ": " + why);
            tree.sendUp(job, MpdMessage.of("job-abort").with("jid", job.jid()).with("rank", rank).with("code", status)
                    .with("host", selfId()).build());
        }
        if (server != null) {
            server.answer(id, job == null ? "error" : "ok");
        }
    }

    @Override
    public void fence(long id, String nspace, byte[] data) {
        exchange.localFence(id, nspace, data);
    }

    @Override
    public void directModex(long id, String nspace, long rank) {
        exchange.directModex(id, nspace, rank);
    }

    @Override
    public void modexData(long id, String status, byte[] data) {
        exchange.modexData(id, status, data);
    }

    @Override
    public void names(org.sss.mpd.internal.pmix.PmixNameRequest request) {
        pmixNames.request(request);
    }

    @Override
    public void query(long id, String user, byte[] body) {
        queries.query(id, user, body);
    }

    @Override
    public void tool(String status, long uid, long pid) {
        queries.tool(status, uid, pid);
    }

    @Override
    public void lost(String why) {
        if (!closed) {
            LOG.warn("mpd {}: pmix: the PMIx server is gone ({}); jobs started from now on start it again", selfId(), why);
        }
    }

    @Override
    public void close() {
        PmixHelper server;
        synchronized (this) {
            closed = true;
            server = helper;
        }
        if (server != null) {
            server.close();
        }
    }
}
