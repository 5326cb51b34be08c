package org.sss.sssjob.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code qsub -I}: an interactive job. qsub listens on a port of its own, submits a job like any other (its options,
 * no script: the script is one line that runs {@code sss-pty} back to this port with a random token), and waits for
 * it to start ("waiting for job N to start"). On the job's first node, as the user, with the job's environment and
 * node file, sss-pty connects back, each end proves it knows the token without sending it ({@link PtyHandshake}),
 * and sss-pty runs the user's login shell on a pseudo-terminal. qsub
 * then puts its own terminal in raw mode and relays bytes both ways (so ^C and ^Z go as bytes and the remote line
 * discipline signals the shell), sends the window size at the start and on every SIGWINCH, and exits with the
 * shell's status once it ends ("job N completed"); the job ends with it, or at its walltime. Interrupting qsub
 * while it waits cancels the job. {@code -X} is refused (no X11 forwarding), and so is a script.
 */
final class InteractiveCommand {
    private static final int ACCEPT_TICK_MILLIS = 250;
    private static final int HELLO_TIMEOUT_MILLIS = 5_000;
    static final int KEEPALIVE_IDLE_SECONDS = 60;
    static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    static final int KEEPALIVE_PROBES = 6;
    private static final long COMPLETION_WAIT_MILLIS = 30_000;

    private InteractiveCommand() {
    }

    /**
     * @param invocation the process
     * @param parsed     the qsub arguments, with {@code -I}
     * @return the shell's exit status
     * @throws CliException for -X or a script, a refusal, or an unreachable queue manager
     */
    static int run(Invocation invocation, QsubArgs parsed) throws CliException {
        if (parsed.hasFlag('X')) {
            throw CliException.usage("-X: X11 forwarding is not supported: an interactive job gets a terminal, "
                    + "not a display");
        }
        if (!parsed.operands().isEmpty()) {
            throw CliException.usage("-I takes no script: the job is a login shell on its first node (unexpected "
                    + parsed.operands().getFirst() + ")");
        }
        Path helper = Path.of(System.getProperty("sss.home", "."), "mpd", "target", "native", "sss-pty");
        if (!Files.isExecutable(helper)) {
            throw new CliException(ExitStatus.REFUSED, "cannot run interactive jobs: " + helper
                    + " is missing (build the suite: bin/sss build)");
        }
        String token = HexFormat.of().formatHex(random());
        String host = HostName.local();
        Path socket = QueueManagerSocket.locate(parsed.socket(), invocation.environment());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(0));
            listener.setSoTimeout(ACCEPT_TICK_MILLIS);
            String script = script(helper, token, host, listener.getLocalPort(), invocation.environment().get("TERM"));
            String id;
            try (JobsClient client = new JobsClient(socket)) {
                List<Job> jobs = client.jobs(Requests.submit(new Requests.Submission("STDIN", script,
                        parsed.options(), invocation.environment(), invocation.workdir().toString(), host)));
                if (jobs.isEmpty()) {
                    throw new CliException(ExitStatus.REFUSED, "the queue manager acknowledged no job");
                }
                id = jobs.getFirst().id();
            }
            String shown = id + "." + host;
            invocation.err().println(invocation.program() + ": waiting for job " + shown + " to start");
            AtomicBoolean connected = new AtomicBoolean();
            Thread cancelOnInterrupt = new Thread(() -> {
                if (!connected.get()) {
                    cancel(socket, id);
                }
            });
            Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
            Socket peer = awaitJob(listener, socket, id, token, invocation, shown);
            connected.set(true);
            if (peer == null) {
                return completion(socket, id, invocation, shown);
            }
            invocation.err().println(invocation.program() + ": job " + shown + " ready");
            OptionalInt status = relay(peer, invocation.stdin());
            if (status.isPresent()) {
                invocation.err().println(invocation.program() + ": job " + shown + " completed");
                return status.getAsInt();
            }
            return completion(socket, id, invocation, shown);
        } catch (IOException e) {
            throw new CliException(ExitStatus.REFUSED, "interactive job: " + e.getMessage());
        }
    }

    private static byte[] random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The job's script: sss-pty back to this qsub, the token in its environment only (not on its command line). */
    static String script(Path helper, String token, String host, int port, String term) {
        String terminal = term != null && term.matches("[A-Za-z0-9._+-]{1,64}") ? term : "xterm";
        return "#!/bin/sh\n"
                + "# qsub -I: this job is a login shell whose terminal is relayed to qsub on " + host + " (sss-pty)\n"
                + "SSS_PTY_TOKEN=" + token + " TERM=" + terminal + " exec " + quote(helper.toString()) + " "
                + quote(host) + " " + port + "\n";
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** @return sss-pty's connection, its token checked; null if the job ended without connecting */
    private static Socket awaitJob(ServerSocket listener, Path socket, String id, String token, Invocation invocation,
                                   String shown) throws CliException, IOException {
        long nextPoll = 0;
        while (true) {
            Socket peer = acceptPeer(listener, token, invocation, shown);
            if (peer != null) {
                return peer;
            }
            if (System.currentTimeMillis() >= nextPoll) {
                try (JobsClient client = new JobsClient(socket)) {
                    List<Job> jobs = client.jobs(Requests.jobs("job-query", List.of(id), null));
                    if (jobs.isEmpty() || jobs.getFirst().completed()) {
                        return null;
                    }
                }
                nextPoll = System.currentTimeMillis() + 1000;
            }
        }
    }

    /**
     * Takes one connection if one comes within the listener's tick: sss-pty's, once it has proved it knows the job's
     * token ({@link PtyHandshake}). Any other (a wrong proof, none within the hello timeout, a connection reset) is
     * refused, closed, and waiting goes
     * on: a stranger's connection must not end qsub, or the job it waits for would start with no one to reach.
     *
     * @return sss-pty's connection, or null (none came, or one was refused)
     * @throws IOException if the listener itself fails
     */
    static Socket acceptPeer(ServerSocket listener, String token, Invocation invocation, String shown)
            throws IOException {
        Socket peer;
        try {
            peer = listener.accept();
        } catch (SocketTimeoutException e) {
            return null; // time to look at the job
        }
        String why;
        try {
            peer.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            String refusal = PtyHandshake.accept(peer.getInputStream(), peer.getOutputStream(), token);
            if (refusal == null) {
                peer.setSoTimeout(0);
                peer.setTcpNoDelay(true);
                keepAlive(peer);
                return peer;
            }
            why = "that is not job " + shown + ": " + refusal;
        } catch (IOException e) {
            why = "that did not say it was job " + shown + " (" + e.getMessage() + ")";
        }
        invocation.err().println(invocation.program() + ": refused a connection from " + peer.getRemoteSocketAddress()
                + " " + why);
        peer.close();
        return null;
    }

    /**
     * The job's node going away (a crash, a cut network) sends no FIN: without keepalive qsub would wait on a silent
     * terminal for good. Probes after a minute of silence, every 10 s, 6 unanswered (as sss-pty's end does): the
     * relay then fails, and qsub asks the queue manager how the job ended.
     */
    static void keepAlive(Socket peer) throws IOException {
        peer.setKeepAlive(true);
        peer.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
        peer.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
        peer.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
    }


    private static OptionalInt relay(Socket peer, InputStream keys) throws IOException {
        LocalTerminal terminal = LocalTerminal.open();
        TerminalRelay relay = new TerminalRelay(peer);
        relay.sendSize(terminal.size());
        terminal.raw();
        Thread restore = new Thread(terminal::restore);
        Runtime.getRuntime().addShutdownHook(restore);
        try {
            WindowSizes.follow(terminal, relay);
            Thread.ofPlatform().daemon().name("qsub-keys").start(() -> relay.forwardKeys(keys, !terminal.present()));
            OutputStream screen = new FileOutputStream(FileDescriptor.out);
            return relay.relayOutput(screen);
        } finally {
            terminal.restore();
            Runtime.getRuntime().removeShutdownHook(restore);
        }
    }

    /** The job's exit status from the queue manager, once it has recorded the end (the terminal said nothing). */
    private static int completion(Path socket, String id, Invocation invocation, String shown) throws CliException {
        long deadline = System.currentTimeMillis() + COMPLETION_WAIT_MILLIS;
        try (JobsClient client = new JobsClient(socket)) {
            while (true) {
                List<Job> jobs = client.jobs(Requests.jobs("job-query", List.of(id), null));
                Job job = jobs.isEmpty() ? null : jobs.getFirst();
                if (job == null || job.completed() || System.currentTimeMillis() > deadline) {
                    String reason = job == null ? "" : job.get("reason");
                    invocation.err().println(invocation.program() + ": job " + shown + " completed"
                            + (reason.isEmpty() ? "" : " (" + reason + ")"));
                    int status = job == null ? ExitStatus.REFUSED : job.exitStatus().orElse(ExitStatus.REFUSED);
                    return status < 0 || status > 255 ? 255 : status;
                }
                Pause.sleep(100);
            }
        }
    }

    private static void cancel(Path socket, String id) {
        try (JobsClient client = new JobsClient(socket)) {
            client.jobs(Requests.jobs("job-cancel", List.of(id), null));
        } catch (CliException e) {
            // the JVM is going: nothing more to do
        }
    }
}
