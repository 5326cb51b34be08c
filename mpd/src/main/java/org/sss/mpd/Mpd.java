package org.sss.mpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.AuthenticationException;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.internal.JobConsoles;
import org.sss.mpd.internal.JobManager;
import org.sss.mpd.internal.Link;
import org.sss.mpd.internal.LinkHandler;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.MessageRoutes;
import org.sss.mpd.internal.Member;
import org.sss.mpd.internal.Membership;
import org.sss.mpd.internal.MpdMessage;
import org.sss.mpd.internal.OutputReads;
import org.sss.mpd.internal.Peers;
import org.sss.mpd.internal.ProcessReactor;
import org.sss.mpd.internal.RankLauncher;
import org.sss.mpd.internal.Ring;
import org.sss.mpd.internal.RingGather;
import org.sss.mpd.internal.RingTest;

/**
 * One mpd: a member of the daemon ring that starts and watches the ranks of parallel jobs on its host.
 *
 * <p>It listens on one TCP port for other mpds and for console clients (mpiexec and the mpd tools); every
 * connection is authenticated with the ring's secret by the SSSlib challenge handshake (HMAC-SHA256). It starts a
 * new ring or joins one, keeps its membership current and repairs it when a member dies (see {@link Ring}), and
 * runs jobs (see {@link JobManager}). {@link #awaitExit()} returns when it leaves (mpdallexit, or {@link #close()}).
 */
public final class Mpd implements AutoCloseable, LinkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Mpd.class);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a ring-wide listing waits for all members together (the process manager gives up at 30 s). */
    private static final Duration GATHER_DEADLINE = Duration.ofSeconds(15);

    private final MpdSettings settings;
    private final ServerSocket server;
    private final Member self;
    private final ChallengeHandshake handshake = new ChallengeHandshake(Digest.HMAC_SHA256);
    private final KeyRing secretRing;
    /** What a console holding a job key (not the ring's secret) may send. */
    private static final java.util.Set<String> JOB_CONSOLE_COMMANDS = java.util.Set.of("launch", "kill", "sigjob", "stdin");
    private final Peers peers;
    private final Ring ring;
    private final RingTest ringTest;
    private final ProcessReactor reactor;
    private final JobManager jobs;
    private final OutputReads outputReads;
    private final MessageRoutes routes;
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Thread acceptor;
    private volatile boolean closing;

    private Mpd(MpdSettings settings, SharedKey secret, ServerSocket server) throws IOException {
        this.settings = settings;
        this.server = server;
        this.self = new Member(settings.id(), settings.host(), new Endpoint(settings.listenAddress(), server.getLocalPort()));
        this.secretRing = MpdSecret.ring(secret);
        this.peers = new Peers(self.id(), handshake, secret, this,
                settings.watchTimeout().compareTo(Peers.CONNECT_TIMEOUT) > 0 ? settings.watchTimeout() : Peers.CONNECT_TIMEOUT);
        this.reactor = new ProcessReactor(self.id());
        org.sss.mpd.internal.RingListener listener = (lost, died) -> jobs().membersGone(lost);
        this.ring = new Ring(self, peers, handshake, secret, settings.watchTimeout(), listener);
        this.ringTest = new RingTest(ring);
        this.jobs = new JobManager(ring, peers, reactor,
                RankLauncher.forThisProcess(java.util.Optional.ofNullable(settings.execHelper())), settings.fanout(),
                settings.killGrace().toMillis(), settings.keepEnded(), new JobConsoles(secret, handshake.digest()),
                java.util.Optional.ofNullable(settings.pmixHelper()));
        this.outputReads = new OutputReads(self, () -> ring.membership().members(), this::ask);
        this.routes = routes();
        this.acceptor = Thread.ofPlatform().daemon().name("mpd-accept-" + self.id()).unstarted(this::acceptLoop);
    }

    private JobManager jobs() {
        return jobs;
    }

    /**
     * Starts an mpd: loads the secret, binds, starts a ring or joins one, writes its console file.
     *
     * @param settings how
     * @return the running mpd
     * @throws IOException if the secret is unusable, the address cannot be bound or the join fails
     */
    public static Mpd start(MpdSettings settings) throws IOException {
        SharedKey secret = MpdSecret.load(settings.secretFile());
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(settings.listenAddress()), settings.listenPort()), 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + settings.listenAddress() + ":" + settings.listenPort() + ": "
                    + e.getMessage(), e);
        }
        Mpd mpd = new Mpd(settings, secret, server);
        mpd.acceptor.start();
        try {
            if (settings.join() != null) {
                mpd.ring.join(settings.join());
            }
            if (settings.consoleFile() != null) {
                writeConsoleFile(settings.consoleFile(), mpd.self.endpoint());
            }
        } catch (IOException e) {
            mpd.close();
            throw e;
        }
        LOG.info("mpd {}: listening on {} ({} ring of {})", mpd.self.id(), mpd.self.endpoint(),
                settings.join() == null ? "new" : "joined", mpd.ring.membership().size());
        return mpd;
    }

    private static void writeConsoleFile(Path file, Endpoint endpoint) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, endpoint + "\n");
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return this mpd as a ring member */
    public Member self() {
        return self;
    }

    /** @return the ring as this mpd knows it */
    public Membership membership() {
        return ring.membership();
    }

    /** @return the number of jobs it takes part in */
    public int jobCount() {
        return jobs.jobCount();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("mpd {}: accept failed: {}", self.id(), e.getMessage());
                    // Out of descriptors, accept fails at once until some are freed: pause rather than spin.
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
                continue;
            }
            // A platform thread: on a virtual thread the JDK would turn the socket non-blocking for good.
            Thread.ofPlatform().daemon().name("mpd-handshake").start(() -> authenticate(socket));
        }
    }

    private void authenticate(Socket socket) {
        String peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        try {
            Link link = Link.accept(socket, handshake, acceptedKeys(), HANDSHAKE_TIMEOUT, settings.frameTimeout());
            link.scope().ifPresent(scope -> LOG.info("mpd {}: console of job {} ({}) connected from {}", self.id(),
                    scope.jid(), scope.runAs().isEmpty() ? "mpd's user" : scope.runAs(), peer));
            peers.adopt(link);
        } catch (AuthenticationException e) {
            LOG.warn("mpd {}: refused connection from {}: {}", self.id(), peer, e.getMessage());
        } catch (IOException e) {
            LOG.info("mpd {}: connection from {} ended during the handshake: {}", self.id(), peer, e.getMessage());
        }
    }

    /** The ring's secret, then the keys of the jobs with ranks here (a batch script's mpiexec presents one). */
    private KeyRing acceptedKeys() {
        List<SharedKey> keys = new ArrayList<>();
        keys.add(secretRing.clientKey());
        keys.addAll(jobs.consoleKeys());
        return keys.size() == 1 ? secretRing : new KeyRing(keys, secretRing.clientKey().name());
    }

    /**
     * The route of every command an mpd receives. The ring's messages go to {@link Ring} (and the ring test to
     * {@link RingTest}); the tools' ring-wide requests are answered here; job messages go to the parts of
     * {@link JobManager} that own them (see {@link JobManager#addRoutes}).
     */
    private MessageRoutes routes() {
        MessageRoutes routes = new MessageRoutes()
                .on("hello", (link, message) -> peers.named(link, message.require("id")))
                .on("join", ring::onJoin)
                .on("members", (link, message) -> ring.onMembers(message))
                .on("ping", ring::onPing)
                .on("pong", (link, message) -> ring.onPong(link))
                .on("expelled", (link, message) -> ring.onExpelled(link))
                .on("heal", (link, message) -> ring.onHeal(message))
                .on("lost", (link, message) -> ring.onLost(message))
                .on("leave", ring::onLeave)
                .on("leave-ok", (link, message) -> LOG.debug("mpd {}: departure acknowledged", self.id()))
                .on("ringtest", (link, message) -> ringTest.onRingTest(message))
                .on("ringtest-start", ringTest::onStart)
                .on("trace", (link, message) -> trace(link))
                .on("listjobs", (link, message) -> gather(link, "jobs-query", jobs::localRanks, "jobs"))
                .on("jobs-query", (link, message) -> link.trySend(lines("jobs-info", jobs.localRanks())))
                .on("detached", (link, message) -> gather(link, "detached-query", jobs::detachedJobs, "detached"))
                .on("detached-query", (link, message) -> link.trySend(lines("detached-info", jobs.detachedJobs())))
                .on("output-read", outputReads::onRead)
                .on("allexit", (link, message) -> exitAll(link, true))
                .on("exit-all", (link, message) -> exitAll(link, false));
        jobs.addRoutes(routes);
        return routes;
    }

    @Override
    public void message(Link link, MpdMessage message) throws MalformedMessageException {
        if (link.scope().isPresent() && !JOB_CONSOLE_COMMANDS.contains(message.cmd())) {
            LOG.warn("mpd {}: refused {} from the console of job {}: a job's console may only launch and signal its "
                    + "own jobs", self.id(), message.cmd(), link.scope().get().jid());
            link.trySend(MpdMessage.of("error").with("msg", "a job's console may not send " + message.cmd()).build());
            link.close();
            return;
        }
        routes.route(link, message);
    }

    private void trace(Link link) {
        Membership m = ring.membership();
        link.trySend(MpdMessage.of("trace").with("epoch", m.epoch()).with("members", Member.encodeAll(m.members()))
                .with("self", self.id()).build());
    }

    private MpdMessage lines(String cmd, List<String> lines) {
        return MpdMessage.of(cmd).with("host", self.id()).body(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * Asks every member of the ring for some lines (its local ranks, its detached jobs) and sends the console all of
     * them, each prefixed with the member's id; a member unreachable, or silent for {@link #GATHER_DEADLINE}, gives
     * one {@code ID ? unreachable: WHY} line.
     */
    private void gather(Link console, String query, java.util.function.Supplier<List<String>> local, String replyCmd) {
        Thread.ofVirtual().name("mpd-" + replyCmd).start(() -> {
            List<Member> others = ring.membership().members().stream().filter(m -> !m.id().equals(self.id())).toList();
            String all = RingGather.gather(self.id(), local.get(), others, member -> {
                MpdMessage reply = ask(member, MpdMessage.of(query).build());
                if (reply == null) {
                    throw new IOException("the link closed before its answer");
                }
                return reply.body().length == 0 ? List.of()
                        : List.of(new String(reply.body(), StandardCharsets.UTF_8).split("\n"));
            }, GATHER_DEADLINE);
            console.trySend(MpdMessage.of(replyCmd).body(all.getBytes(StandardCharsets.UTF_8)).build());
        });
    }

    /** Sends one request to another member on a connection of its own; its answer, or null if the link closed first. */
    private MpdMessage ask(Member member, MpdMessage request) throws IOException, MalformedMessageException {
        try (Link link = Link.connect(member.endpoint(), handshake, secretRingKey(), HANDSHAKE_TIMEOUT)) {
            link.send(request);
            return link.receive();
        }
    }

    private SharedKey secretRingKey() {
        return secretRing.clientKey();
    }

    /** Ends every mpd of the ring: tells each one directly, then stops this one. */
    private void exitAll(Link from, boolean origin) {
        ring.exiting();
        if (origin) {
            LOG.info("mpd {}: mpdallexit from {}: stopping the whole ring", self.id(), from.describe());
            List<Member> members = ring.membership().members();
            for (Member member : members) {
                if (!member.id().equals(self.id())) {
                    peers.send(member, MpdMessage.of("exit-all").with("from", self.id()).build());
                }
            }
            from.trySend(MpdMessage.of("ok").with("stopped", members.size()).build());
        } else {
            LOG.info("mpd {}: the ring is exiting (asked by {})", self.id(), from.describe());
        }
        Thread.ofPlatform().start(this::close);
    }

    @Override
    public void closed(Link link, String reason) {
        LOG.debug("mpd {}: link with {} closed: {}", self.id(), link.describe(), reason);
        ring.linkClosed(link);
        jobs.consoleClosed(link);
    }

    /** Blocks until this mpd has stopped. */
    public void awaitExit() {
        try {
            exited.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops as a crashed host would: no departure is announced, every connection is cut at once, local ranks are
     * killed. The other members find out as they would after a kill -9 of this mpd's process (their links close).
     * Used where several members run in one JVM ({@link MpdMembers}) to take one down.
     */
    public void crash() {
        if (closing) {
            return;
        }
        closing = true;
        ring.close();
        closeListener();
        peers.close();
        jobs.close();
        reactor.close();
        LOG.warn("mpd {}: crashed on purpose (its connections cut, its ranks killed)", self.id());
        exited.countDown();
    }

    private void closeListener() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("mpd {}: closing the listener: {}", self.id(), e.getMessage());
        }
    }

    /** The whole ring is stopping (as on mpdallexit): this mpd no longer repairs it when members go. */
    void ringExiting() {
        ring.exiting();
    }

    /** Leaves the ring cleanly, kills local ranks and stops. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        ring.leave();
        jobs.close();
        ring.close();
        closeListener();
        peers.close();
        reactor.close();
        if (settings.consoleFile() != null) {
            try {
                Files.deleteIfExists(settings.consoleFile());
            } catch (IOException e) {
                LOG.debug("mpd {}: could not remove {}: {}", self.id(), settings.consoleFile(), e.getMessage());
            }
        }
        LOG.info("mpd {}: stopped", self.id());
        exited.countDown();
    }
}
