package org.sss.mpd.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.internal.Link;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.JobSpecCodec;
import org.sss.mpd.internal.Member;
import org.sss.mpd.internal.MpdMessage;

/**
 * A console connection to one mpd, for programs that drive the ring (the process manager, tests): launch jobs and
 * follow them, attach to detached jobs after a restart, signal and kill, list the ring and its detached jobs.
 *
 * <p>Requests are answered in turn (one at a time per console; a signal with a delivery report may take up to
 * five seconds). Each job's {@link JobEvent}s are delivered, in order, to the listener given when it was launched
 * or attached, on the console's reader thread: listeners must not block. When the connection ends every listener
 * gets {@link JobEvent.Disconnected}; detached jobs run on and can be attached again, attached ones are killed by
 * the ring. Thread-safe.
 */
public final class MpdConsole implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final MpdMessage CLOSED = MpdMessage.of("closed").build();

    private final Endpoint endpoint;
    private final Link link;
    private final Map<String, Consumer<JobEvent>> listeners = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<MpdMessage> replies = new LinkedBlockingQueue<>();
    private final Object requests = new Object();
    private volatile Consumer<JobEvent> launching;
    private volatile String closedReason;

    private MpdConsole(Endpoint endpoint, Link link) {
        this.endpoint = endpoint;
        this.link = link;
        Thread.ofPlatform().daemon().name("mpd-console-" + endpoint).start(this::readLoop);
    }

    /**
     * Connects and authenticates with the ring's secret.
     *
     * @param mpd    where the mpd listens
     * @param secret the ring's secret ({@link org.sss.mpd.MpdSecret#load})
     * @return the console
     * @throws IOException if the mpd cannot be reached or refuses the secret
     */
    public static MpdConsole connect(Endpoint mpd, SharedKey secret) throws IOException {
        try {
            return new MpdConsole(mpd, Link.connect(mpd, new ChallengeHandshake(Digest.HMAC_SHA256), secret, CONNECT_TIMEOUT));
        } catch (IOException e) {
            throw new IOException("cannot reach the mpd at " + mpd + ": " + e.getMessage(), e);
        }
    }

    /** @return the mpd this console talks to */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return whether the connection is still up */
    public boolean isOpen() {
        return closedReason == null && !link.isClosed();
    }

    /**
     * Launches a job with this mpd as its root.
     *
     * @param request  the job
     * @param listener gets the job's events (the first is {@link JobEvent.Launched})
     * @return the job id
     * @throws AnswerLostException    if the launch was sent and its answer lost: the job may run (a detached job can
     *                                be found by its tag, {@link #detachedJobs})
     * @throws IOException            if the connection fails before the launch is sent
     * @throws MpdRequestException    if the ring refuses the job (e.g. a host that is not in it)
     */
    public String launch(JobRequest request, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        synchronized (requests) {
            launching = listener;
            try {
                MpdMessage reply = call(MpdMessage.of("launch").body(JobSpecCodec.encode(request.toSpec())).build());
                return expect(reply, "job-launched").get("jid");
            } finally {
                launching = null;
            }
        }
    }

    /**
     * Becomes the console of a detached job this mpd leads: the listener gets the job's whole story so far, from
     * {@link JobEvent.Launched} on, then its events as they happen.
     *
     * @param jid      the job
     * @param listener gets its events
     * @throws IOException         if the connection fails
     * @throws MpdRequestException if this mpd leads no such detached job
     */
    public void attach(String jid, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        synchronized (requests) {
            listeners.put(jid, listener);
            try {
                expect(call(MpdMessage.of("attach").with("jid", jid).build()), "job-launched");
            } catch (IOException | MpdRequestException e) {
                listeners.remove(jid, listener);
                throw e;
            }
        }
    }

    /**
     * Lets the ring forget a detached job's end once it is recorded elsewhere.
     *
     * @param jid the job
     * @throws IOException         if the connection fails
     * @throws MpdRequestException if the job is still running
     */
    public void release(String jid) throws IOException, MpdRequestException {
        expect(call(MpdMessage.of("release").with("jid", jid).build()), "ok");
        listeners.remove(jid);
    }

    /**
     * Kills a job: the signal to every rank's process group, SIGKILL after the job's grace period; the job ends
     * with status 128+signal unless it had already failed.
     *
     * @param jid    the job
     * @param signal the first signal (usually SIGTERM, 15)
     * @throws IOException         if the connection fails
     * @throws MpdRequestException if the ring knows no such job
     */
    public void kill(String jid, int signal) throws IOException, MpdRequestException {
        expect(call(MpdMessage.of("kill").with("jid", jid).with("signal", signal).build()), "ok");
    }

    /**
     * Delivers a signal and reports which ranks it reached. The job must be led by this mpd.
     *
     * @param jid    the job
     * @param signal the signal number
     * @param rank   one rank, or -1 for every rank
     * @param group  whether each rank's whole process group gets it (the rank and what it started), or only the rank
     * @return which ranks got it
     * @throws IOException         if the connection fails
     * @throws MpdRequestException if this mpd leads no such job
     */
    public SignalDelivery signal(String jid, int signal, int rank, boolean group) throws IOException, MpdRequestException {
        MpdMessage reply = expect(call(MpdMessage.of("sigjob").with("jid", jid).with("signal", signal)
                .with("rank", rank < 0 ? null : rank).with("scope", group ? "group" : "single").with("report", 1).build()),
                "sigjob-done");
        return new SignalDelivery(ranks(reply.get("delivered")), ranks(reply.get("missed")));
    }

    /**
     * @return the ring's members in ring order
     * @throws IOException if the connection fails
     */
    public List<RingMember> trace() throws IOException {
        try {
            MpdMessage reply = expect(call(MpdMessage.of("trace").build()), "trace");
            List<RingMember> members = new ArrayList<>();
            for (Member member : Member.decodeAll(reply.require("members"))) {
                members.add(new RingMember(member.id(), member.host(), member.endpoint()));
            }
            return members;
        } catch (MpdRequestException | MalformedMessageException e) {
            throw new IOException("unreadable trace from the mpd at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return every detached job of the ring, asking each member (an unreachable member's jobs are missing)
     * @throws IOException if the connection fails
     */
    public List<DetachedJob> detachedJobs() throws IOException {
        return detachedListing().jobs();
    }

    /**
     * @return every detached job of the ring, asking each member, and the members that did not answer
     * @throws IOException if the connection fails
     */
    public DetachedListing detachedListing() throws IOException {
        try {
            MpdMessage reply = expect(call(MpdMessage.of("detached").build()), "detached");
            List<DetachedJob> found = new ArrayList<>();
            List<String> unreachable = new ArrayList<>();
            for (String line : new String(reply.body(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 2 && parts[1].equals("?")) {
                    unreachable.add(parts[0]);
                } else if (parts.length >= 3) {
                    found.add(new DetachedJob(parts[1], parts[0], parts[2].equals("running"), parts.length > 3 ? parts[3] : ""));
                }
            }
            return new DetachedListing(found, unreachable);
        } catch (MpdRequestException e) {
            throw new IOException("the mpd at " + endpoint + " cannot list detached jobs: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a piece of a job's output file where the job wrote it: the mpd of {@code node} reads it as root, if it is
     * a regular file owned by {@code owner} (see {@link OutputFile}).
     *
     * @param node   the node whose mpd reads it (the job's first node), by mpd id or host name
     * @param path   the file
     * @param owner  the job's user
     * @param offset where to start
     * @return the bytes from there (up to {@value OutputFile#MAX_CHUNK}), where to go on, and why nothing was read
     *         if so (a node not in the ring or not answering is such a problem)
     * @throws IOException if the console's mpd cannot be asked
     */
    public OutputFile.Chunk readOutput(String node, String path, String owner, long offset) throws IOException {
        try {
            MpdMessage reply = expect(call(MpdMessage.of("output-read").with("node", node).with("path", path)
                    .with("owner", owner).with("offset", offset).build()), "output-data");
            String problem = reply.get("problem");
            return new OutputFile.Chunk(reply.body(), reply.number("next"), problem == null ? "" : problem);
        } catch (MpdRequestException | MalformedMessageException e) {
            throw new IOException("the mpd at " + endpoint + " cannot read output: " + e.getMessage(), e);
        }
    }

    private static List<Integer> ranks(String text) {
        List<Integer> ranks = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            for (String rank : text.split(",")) {
                ranks.add(Integer.parseInt(rank));
            }
        }
        return ranks;
    }

    private MpdMessage expect(MpdMessage reply, String cmd) throws MpdRequestException, IOException {
        if (reply.cmd().equals(cmd)) {
            return reply;
        }
        if (reply.cmd().equals("error")) {
            throw new MpdRequestException(reply.get("msg") == null ? "refused" : reply.get("msg"));
        }
        // An answer to another request (one whose own answer came late): this one's is lost, and may come next.
        link.close();
        throw new AnswerLostException("unexpected answer " + reply.cmd() + " (expected " + cmd
                + "; the console is closed)", null);
    }

    private MpdMessage call(MpdMessage request) throws IOException {
        synchronized (requests) {
            if (!isOpen()) {
                throw new IOException("the console to the mpd at " + endpoint + " is closed"
                        + (closedReason == null ? "" : ": " + closedReason));
            }
            replies.clear();
            try {
                link.send(request);
            } catch (IOException e) {
                // Part of it, or all of it, may have left before the connection broke.
                throw new AnswerLostException("the connection to the mpd at " + endpoint + " broke while sending: "
                        + e.getMessage(), e);
            }
            MpdMessage reply;
            try {
                reply = replies.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AnswerLostException("interrupted waiting for the mpd at " + endpoint, e);
            }
            if (reply == null) {
                // Closed, so that a late answer is never taken for the answer to a later request (there is no
                // request id): the next request connects again, and detached jobs run on meanwhile.
                link.close();
                throw new AnswerLostException("no answer from the mpd at " + endpoint + " within "
                        + REPLY_TIMEOUT.toSeconds() + " s (the console is closed)", null);
            }
            if (reply == CLOSED) {
                throw new AnswerLostException("the mpd at " + endpoint + " closed the console: " + closedReason, null);
            }
            return reply;
        }
    }

    private void readLoop() {
        String reason = "closed";
        try {
            while (true) {
                MpdMessage message = link.receive();
                if (message == null) {
                    reason = "the mpd closed the connection";
                    break;
                }
                dispatch(message);
            }
        } catch (IOException | MalformedMessageException e) {
            reason = e.getMessage();
        } finally {
            closedReason = reason;
            link.close();
            replies.offer(CLOSED);
            for (Map.Entry<String, Consumer<JobEvent>> entry : listeners.entrySet()) {
                entry.getValue().accept(new JobEvent.Disconnected(entry.getKey(), reason));
            }
            listeners.clear();
        }
    }

    private void dispatch(MpdMessage message) throws MalformedMessageException {
        switch (message.cmd()) {
            case "job-launched" -> {
                String jid = message.require("jid");
                Consumer<JobEvent> pending = launching;
                if (pending != null && !listeners.containsKey(jid)) {
                    listeners.put(jid, pending);
                    launching = null;
                }
                deliver(jid, new JobEvent.Launched(jid, orEmpty(message.get("tag")), names(message.get("place"))));
                replies.offer(message);
            }
            case "job-spawned" -> deliver(message.require("jid"), spawned(message));
            case "job-out" -> deliver(message.require("jid"), new JobEvent.Output(message.require("jid"),
                    (int) message.number("rank"), message.get("co"), (int) message.number("fd", 1), message.body()));
            case "job-exit" -> deliver(message.require("jid"), new JobEvent.RankExited(message.require("jid"),
                    (int) message.number("rank"), (int) message.number("status"), orEmpty(message.get("host")),
                    (int) message.number("signal", 0), (int) message.number("pid", 0), message.get("why")));
            case "job-coexit" -> deliver(message.require("jid"), new JobEvent.CoProcessExited(message.require("jid"),
                    orEmpty(message.get("host")), (int) message.number("pid", 0), (int) message.number("status", 0),
                    (int) message.number("signal", 0), message.get("why")));
            case "job-stdin-ok" -> {
                // Flow control for a console that sends rank 0's input; this one sends none.
            }
            case "job-dropped" -> deliver(message.require("jid"),
                    new JobEvent.OutputDropped(message.require("jid"), message.number("bytes")));
            case "job-done" -> {
                String jid = message.require("jid");
                JobEvent.Usage usage = message.get("cpu") == null ? null
                        : new JobEvent.Usage(message.number("cpu"), message.number("peak", 0));
                deliver(jid, new JobEvent.Ended(jid, (int) message.number("status"), message.get("reason"), usage));
                listeners.remove(jid);
            }
            default -> replies.offer(message);
        }
    }

    private void deliver(String jid, JobEvent event) {
        Consumer<JobEvent> listener = listeners.get(jid);
        if (listener != null) {
            listener.accept(event);
        }
    }

    private static JobEvent.Spawned spawned(MpdMessage message) throws MalformedMessageException {
        Map<Integer, Integer> pids = new LinkedHashMap<>();
        int coProcess = 0;
        for (String line : new String(message.body(), StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                continue;
            }
            try {
                if (parts[0].equals("co")) {
                    coProcess = Integer.parseInt(parts[1]);
                } else {
                    pids.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                throw new MalformedMessageException("bad pid line in job-spawned: " + line);
            }
        }
        return new JobEvent.Spawned(message.require("jid"), orEmpty(message.get("host")), pids, coProcess);
    }

    private static List<String> names(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split(","));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    @Override
    public void close() {
        link.close();
    }
}
