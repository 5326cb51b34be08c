package org.sss.mpd.internal.pmix;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;
import org.sss.lib.wire.ReadTimeouts;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.MpdMessage;

/**
 * One mpd's {@code sss-pmix} process: the PMIx server library (OpenPMIx) in a helper of its own, driven over the
 * helper's standard input and output in mpd-wire frames (docs/PMIX.md lists the messages). This class starts it,
 * sends it requests, waits for the answers to registrations (and hands back those to event notifications as futures), and hands everything the library reports — a client
 * connected, finalized or aborted, a host's fence contribution, a direct modex request, the data of a rank asked
 * for — to its {@link Upcalls} on the reader thread, in the order the helper sent them. The helper's standard error
 * is logged a line at a time. When the helper exits (or misbehaves: it is then killed) every waiting registration
 * fails, {@link Upcalls#lost} is called once and the object is dead; the owner may start another. Thread-safe.
 */
public final class PmixHelper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PmixHelper.class);
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    /** What the library reports, called on the helper's reader thread; each must return quickly. */
    public interface Upcalls {
        /**
         * A local rank connected to the server (it called {@code PMIx_Init}).
         *
         * @param nspace its namespace
         * @param rank   its rank
         */
        void connected(String nspace, long rank);

        /**
         * A local rank called {@code PMIx_Finalize}; it waits until {@link #answer} names {@code id}.
         *
         * @param id     the request to answer
         * @param nspace its namespace
         * @param rank   its rank
         */
        void finalized(long id, String nspace, long rank);

        /**
         * A local rank called {@code PMIx_Abort}; it waits until {@link #answer} names {@code id}.
         *
         * @param id     the request to answer
         * @param nspace its namespace
         * @param rank   its rank
         * @param status the status it asks the job to end with
         * @param why    its message, or null
         */
        void aborted(long id, String nspace, long rank, int status, String why);

        /**
         * Every local rank of a namespace has entered a fence; the host's contribution is to be combined with every
         * other host's and returned by {@link #fenceDone}.
         *
         * @param id     the request to answer
         * @param nspace the namespace
         * @param data   this host's contribution, packed by the library
         */
        void fence(long id, String nspace, byte[] data);

        /**
         * A local rank wants data of a rank on another host that no fence brought; {@link #modexDone} answers.
         *
         * @param id     the request to answer
         * @param nspace the namespace
         * @param rank   the rank whose data is wanted
         */
        void directModex(long id, String nspace, long rank);

        /**
         * The answer to {@link #modexGet}: a local rank's data.
         *
         * @param id     the id {@link #modexGet} was given
         * @param status {@code ok}, {@code not-found} or another failure
         * @param data   the data (empty unless ok)
         */
        void modexData(long id, String status, byte[] data);

        /**
         * A local rank publishes, looks up or unpublishes names; {@link #namesDone} answers.
         *
         * @param request what it asks
         */
        void names(PmixNameRequest request);

        /**
         * A client or tool called {@code PMIx_Query_info} with keys the mpd answers; {@link #queryDone} answers.
         *
         * @param id   the request to answer
         * @param user the asking user's name, empty for root (who sees every job)
         * @param body one line per key asked, {@code KIND NSPACE} (docs/PMIX.md)
         */
        void query(long id, String user, byte[] body);

        /**
         * A tool attached to the server ({@code PMIx_tool_init}), or was refused.
         *
         * @param status {@code ok} or {@code refused}
         * @param uid    the user it says it is
         * @param pid    its process id, 0 if unknown
         */
        void tool(String status, long uid, long pid);

        /**
         * A local rank called {@code PMIx_Spawn}; {@link #spawnDone} answers with the new namespace.
         *
         * @param id     the request to answer
         * @param nspace the spawning rank's namespace
         * @param rank   the spawning rank
         * @param apps   the applications, as {@link PmixSpawnApps} reads them
         */
        void spawn(long id, String nspace, long rank, byte[] apps);

        /**
         * Every local participant of a {@code PMIx_Connect} or {@code PMIx_Disconnect} has entered it;
         * {@link #connectDone} answers once the processes named have, on every host.
         *
         * @param id      the request to answer
         * @param connect true for connect, false for disconnect
         * @param procs   the processes named, lines {@code NSPACE RANK} ({@code *}: every rank)
         */
        void connect(long id, boolean connect, byte[] procs);

        /**
         * The helper is gone; nothing more comes from it.
         *
         * @param why what happened
         */
        void lost(String why);
    }

    /**
     * A job's registration: the environment of each local rank, or why there is none.
     *
     * @param env     each local rank's variables ({@code NAME=value}), from {@code PMIx_server_setup_fork}
     * @param problem why the job could not be registered, or null
     */
    public record Registration(Map<Integer, List<String>> env, String problem) {
        /** Copies the map. */
        public Registration {
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }

    private final String name;
    private final Process process;
    private final OutputStream in;
    private final FrameWriter writer = new FrameWriter(MAX_MESSAGE);
    private final Upcalls upcalls;
    private final CompletableFuture<Ready> ready = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Registration>> registrations = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<String>> notices = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile String deadReason;

    /**
     * What the helper said when the library was up.
     *
     * @param version the library's version string
     * @param shmDir  a directory for this host's shared-memory files, writable by every user
     */
    public record Ready(String version, String shmDir) {
    }

    private PmixHelper(String name, Process process, Upcalls upcalls) {
        this.name = name;
        this.process = process;
        this.in = new BufferedOutputStream(process.getOutputStream(), 65536);
        this.upcalls = upcalls;
    }

    /**
     * Starts a helper; it comes up in the background ({@link #awaitReady}).
     *
     * @param executable the sss-pmix program
     * @param host       the mpd's host name, as the jobs' node maps name it
     * @param security   the security modules it accepts clients with: {@code munge} or {@code native}
     * @param upcalls    where the library's reports go
     * @return the helper
     * @throws IOException if it cannot be started
     */
    public static PmixHelper start(Path executable, String host, String security, Upcalls upcalls) throws IOException {
        Process process = new ProcessBuilder(executable.toString(), "--host", host, "--security", security).start();
        PmixHelper helper = new PmixHelper(host, process, upcalls);
        Thread.ofPlatform().daemon().name("mpd-pmix-" + host).start(helper::readLoop);
        Thread.ofPlatform().daemon().name("mpd-pmix-err-" + host).start(helper::logErrors);
        return helper;
    }

    /**
     * @param timeout how long to wait
     * @return what the helper said once the library was up
     * @throws IOException if it failed to come up (with its reason), or did not within the timeout
     */
    public Ready awaitReady(Duration timeout) throws IOException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("sss-pmix did not come up within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for sss-pmix");
        }
    }

    /** @return why the helper is gone, or null while it runs */
    public String deadReason() {
        return deadReason;
    }

    /**
     * Registers a job's namespace and local ranks, and waits for each local rank's environment.
     *
     * @param request the job as {@link PmixRegistration} describes it
     * @param timeout how long to wait
     * @return the environment, or why there is none
     */
    public Registration register(PmixRegistration request, Duration timeout) {
        long id = nextId.getAndIncrement();
        CompletableFuture<Registration> answer = new CompletableFuture<>();
        registrations.put(id, answer);
        try {
            send(request.message(id));
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException e) {
            return new Registration(null, "sss-pmix: " + e.getMessage());
        } catch (TimeoutException e) {
            return new Registration(null, "sss-pmix did not register the job within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Registration(null, "interrupted while registering the job");
        } finally {
            registrations.remove(id);
        }
    }

    /** @param nspace a namespace whose ranks here have all ended: the library forgets it */
    public void deregister(String nspace) {
        trySend(MpdMessage.of("deregister").with("nspace", nspace).build());
    }

    /**
     * Answers {@link Upcalls#finalized} or {@link Upcalls#aborted}: the waiting rank goes on.
     *
     * @param id     the request
     * @param status {@code ok} or {@code error}
     */
    public void answer(long id, String status) {
        trySend(MpdMessage.of("done").with("id", id).with("status", status).build());
    }

    /**
     * Answers {@link Upcalls#fence}: the fence completes on this host with every host's contributions.
     *
     * @param id     the request
     * @param status {@code ok}, or a failure
     * @param data   the contributions of every host, one after another
     */
    public void fenceDone(long id, String status, byte[] data) {
        trySend(MpdMessage.of("fence-done").with("id", id).with("status", status).body(data).build());
    }

    /**
     * Answers {@link Upcalls#directModex}.
     *
     * @param id     the request
     * @param status {@code ok}, {@code not-found}, {@code unreachable} or {@code error}
     * @param data   the rank's data
     */
    public void modexDone(long id, String status, byte[] data) {
        trySend(MpdMessage.of("dmodex-done").with("id", id).with("status", status).body(data).build());
    }

    /**
     * Asks for a local rank's data on behalf of another host; {@link Upcalls#modexData} answers, once the rank has
     * committed it.
     *
     * @param id     an id for the answer
     * @param nspace the namespace
     * @param rank   the rank
     */
    public void modexGet(long id, String nspace, long rank) {
        trySend(MpdMessage.of("dmodex-get").with("id", id).with("nspace", nspace).with("rank", rank).build());
    }

    /**
     * Has the library tell a namespace's local ranks that some of its processes were lost ({@code PMIx_Notify_event}
     * naming them as the affected processes).
     *
     * @param nspace the namespace
     * @param event  {@code proc-aborted}, {@code proc-term-wo-sync}, {@code exit-nonzero} or {@code node-down}
     * @param ranks  the lost ranks (at least one)
     * @param host   the lost host, for {@code node-down}; else null
     * @param why    a line for the ranks, or null
     * @return completed with {@code ok} once the library has handed the event on, or {@code error} (also when the
     *         helper is gone); never exceptionally
     */
    public CompletableFuture<String> notify(String nspace, String event, List<Integer> ranks, String host, String why) {
        long id = nextId.getAndIncrement();
        CompletableFuture<String> answer = new CompletableFuture<>();
        notices.put(id, answer);
        answer.whenComplete((status, e) -> notices.remove(id));
        StringBuilder body = new StringBuilder();
        ranks.forEach(rank -> body.append(body.isEmpty() ? "" : ",").append(rank));
        try {
            send(MpdMessage.of("notify").with("id", id).with("nspace", nspace).with("event", event).with("host", host)
                    .with("msg", why == null || why.length() <= 400 ? why : why.substring(0, 400))
                    .body(body.toString().getBytes(StandardCharsets.US_ASCII)).build());
        } catch (IOException e) {
            answer.complete("error");
        }
        if (deadReason != null) {
            answer.complete("error");
        }
        return answer;
    }

    /**
     * Answers {@link Upcalls#names}.
     *
     * @param id     the request
     * @param status {@code ok}, {@code not-found}, {@code exists}, {@code timeout} or another failure
     * @param found  for a lookup, {@code KEY VALUE NSPACE RANK} lines ({@link org.sss.mpd.internal.names.NameLines})
     */
    public void namesDone(long id, String status, byte[] found) {
        trySend(MpdMessage.of("names-done").with("id", id).with("status", status).body(found).build());
    }

    /**
     * Answers {@link Upcalls#query}.
     *
     * @param id     the request
     * @param status {@code ok} or {@code error}
     * @param body   the answers, one line each (docs/PMIX.md)
     */
    public void queryDone(long id, String status, byte[] body) {
        trySend(MpdMessage.of("query-done").with("id", id).with("status", status).body(body).build());
    }

    /**
     * Answers {@link Upcalls#spawn}.
     *
     * @param id     the request
     * @param status {@code ok} or {@code error}
     * @param nspace the new job's namespace (when ok)
     */
    public void spawnDone(long id, String status, String nspace) {
        MpdMessage.Builder answer = MpdMessage.of("spawn-done").with("id", id).with("status", status);
        trySend((nspace == null ? answer : answer.with("nspace", nspace)).build());
    }

    /**
     * Answers {@link Upcalls#connect}: the local participants go on.
     *
     * @param id     the request
     * @param status {@code ok}, {@code not-supported}, {@code unreachable} or {@code error}
     */
    public void connectDone(long id, String status) {
        trySend(MpdMessage.of("connect-done").with("id", id).with("status", status).build());
    }

    private void trySend(MpdMessage message) {
        try {
            send(message);
        } catch (IOException e) {
            LOG.debug("mpd {}: pmix: {} not sent: {}", name, message.cmd(), e.getMessage());
        }
    }

    private void send(MpdMessage message) throws IOException {
        if (deadReason != null) {
            throw new IOException("sss-pmix is gone: " + deadReason);
        }
        synchronized (in) {
            writer.write(in, message.encode());
        }
    }

    private void readLoop() {
        String why = "sss-pmix exited";
        try (InputStream out = new BufferedInputStream(process.getInputStream(), 65536)) {
            FrameReader reader = new FrameReader(out, MAX_MESSAGE, ReadTimeouts.NONE);
            for (byte[] payload; (payload = reader.read()) != null; ) {
                handle(MpdMessage.parse(payload));
            }
        } catch (IOException | MalformedMessageException | RuntimeException e) {
            why = "sss-pmix broke the protocol (" + e.getMessage() + ")";
            process.destroyForcibly();
        }
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                why = why + " with status " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadReason = why;
        ready.completeExceptionally(new IOException(why));
        registrations.values().forEach(r -> r.complete(new Registration(null, deadReason)));
        notices.values().forEach(n -> n.complete("error"));
        upcalls.lost(why);
    }

    private void handle(MpdMessage m) throws MalformedMessageException {
        switch (m.cmd()) {
            case "ready" -> ready.complete(new Ready(m.get("version"), m.get("shmdir")));
            case "fatal" -> ready.completeExceptionally(new IOException(m.get("msg")));
            case "registered" -> {
                CompletableFuture<Registration> answer = registrations.get(m.number("id"));
                if (answer != null) {
                    answer.complete("ok".equals(m.get("status")) ? new Registration(PmixRegistration.environment(m.body()), null)
                            : new Registration(null, m.get("msg") == null ? "registration failed" : m.get("msg")));
                }
            }
            case "connected" -> upcalls.connected(m.require("nspace"), m.number("rank"));
            case "finalized" -> upcalls.finalized(m.number("id"), m.require("nspace"), m.number("rank"));
            case "abort" -> upcalls.aborted(m.number("id"), m.require("nspace"), m.number("rank"),
                    (int) m.number("status"), m.get("msg"));
            case "fence" -> upcalls.fence(m.number("id"), m.require("nspace"), m.body());
            case "dmodex" -> upcalls.directModex(m.number("id"), m.require("nspace"), m.number("rank"));
            case "dmodex-data" -> upcalls.modexData(m.number("id"), m.require("status"), m.body());
            case "notified" -> {
                CompletableFuture<String> answer = notices.get(m.number("id"));
                if (answer != null) {
                    answer.complete(m.require("status"));
                }
            }
            case "publish", "lookup", "unpublish" -> upcalls.names(PmixNameRequest.parse(m));
            case "query" -> upcalls.query(m.number("id"), m.get("user") == null ? "" : m.get("user"), m.body());
            case "tool" -> upcalls.tool(m.require("status"), m.number("uid", -1), m.number("pid", 0));
            case "spawn" -> upcalls.spawn(m.number("id"), m.require("nspace"), m.number("rank"), m.body());
            case "connect" -> upcalls.connect(m.number("id"), !"disconnect".equals(m.require("op")), m.body());
            default -> throw new MalformedMessageException("unknown message " + m.cmd());
        }
    }

    private void logErrors() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                if (!line.isBlank()) {
                    LOG.warn("mpd {}: sss-pmix: {}", name, line.length() > 500 ? line.substring(0, 500) + "..." : line);
                }
            }
        } catch (IOException e) {
            // the helper is gone; readLoop reports it
        }
    }

    /** Ends the helper: its standard input closes, the library finalizes and its files are removed. */
    @Override
    public void close() {
        try {
            synchronized (in) {
                in.close();
            }
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
