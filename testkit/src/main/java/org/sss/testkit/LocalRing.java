package org.sss.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.MpdMain;
import org.sss.mpd.MpdSecret;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.RingMember;

/**
 * A ring of real mpds on this machine for tests: mpd i runs in its own JVM on 127.0.0.(first + i), named after
 * its address or given a host name ({@link #startNamed}), all sharing a secret written (mode 0600) under the
 * test's directory. {@link #mpiexec} runs the real (native) mpiexec against it; {@link #console()} gives a
 * {@link MpdConsole}. Closing kills every mpd and every process they started.
 */
public final class LocalRing implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);
    private final Path dir;
    private final Path secret;
    private final List<ForkedComponent> mpds = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();
    private String console;

    private LocalRing(Path dir, Path secret) {
        this.dir = dir;
        this.secret = secret;
    }

    /**
     * Starts a ring and waits until every mpd is in it.
     *
     * @param dir       the test's directory (secret, logs)
     * @param size      number of mpds
     * @param firstHost last byte of the first address (2 gives 127.0.0.2)
     * @param extra     extra mpd arguments, e.g. {@code --grace 1}
     * @return the running ring
     */
    public static LocalRing start(Path dir, int size, int firstHost, String... extra) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("127.0.0." + (firstHost + i));
        }
        return startNamed(dir, names, firstHost, extra);
    }

    /**
     * Starts a ring whose mpds have the given host names (e.g. node1, node2, …) and waits until every mpd is in it.
     *
     * @param dir       the test's directory (secret, logs)
     * @param names     the host names, one mpd each
     * @param firstHost last byte of the first address (2 gives 127.0.0.2)
     * @param extra     extra mpd arguments
     * @return the running ring
     */
    public static LocalRing startNamed(Path dir, List<String> names, int firstHost, String... extra) {
        try {
            Files.createDirectories(dir);
            Path secret = TestKeys.write(dir.resolve("mpd.conf"), "MPD_SECRETWORD=" + java.util.UUID.randomUUID(), "rw-------");
            LocalRing ring = new LocalRing(dir, secret);
            ring.launch(names, firstHost, extra);
            return ring;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(List<String> names, int firstHost, String... extra) throws IOException {
        Path consoleFile = dir.resolve("first.console");
        Files.deleteIfExists(consoleFile);
        String first = "127.0.0." + firstHost;
        mpds.add(fork(names.getFirst(), args(names.getFirst(), first,
                List.of("--console-file", consoleFile.toString()), extra)));
        hosts.add(names.getFirst());
        ForkedComponent leader = mpds.getFirst();
        Awaitility.await("the first mpd's console file").atMost(START).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!leader.isAlive()) {
                        throw new IllegalStateException("the first mpd did not start:\n" + leader.output());
                    }
                    return Files.exists(consoleFile) && !Files.readString(consoleFile).isBlank();
                });
        console = Files.readString(consoleFile).trim();
        for (int i = 1; i < names.size(); i++) {
            String address = "127.0.0." + (firstHost + i);
            mpds.add(fork(names.get(i), args(names.get(i), address, List.of("--join", console), extra)));
            hosts.add(names.get(i));
        }
        awaitSize(names.size(), START);
    }

    private List<String> args(String host, String address, List<String> more, String... extra) {
        List<String> args = new ArrayList<>(List.of("--host", host, "--listen", address + ":0", "--secret", secret.toString(),
                "--log-level", "info"));
        args.addAll(more);
        args.addAll(List.of(extra));
        return args;
    }

    private ForkedComponent fork(String host, List<String> args) {
        return ForkedComponent.start("mpd-" + host, MpdMain.class, dir.resolve("logs"), args.toArray(String[]::new));
    }

    /**
     * Adds an mpd that joins the running ring.
     *
     * @param hostByte last byte of its address
     * @param extra    extra mpd arguments
     * @return its process
     */
    public ForkedComponent join(int hostByte, String... extra) {
        String host = "127.0.0." + hostByte;
        ForkedComponent mpd = fork(host, args(host, host, List.of("--join", console), extra));
        mpds.add(mpd);
        hosts.add(host);
        return mpd;
    }

    /**
     * Starts an mpd that begins a ring of its own at a given address (a first node restarted by its service manager,
     * which does not join: the ring's others must take it back).
     *
     * @param name  its host name
     * @param at    where it listens (the address and port it had)
     * @param extra extra mpd arguments
     * @return its process
     */
    public ForkedComponent startAlone(String name, org.sss.lib.wire.Endpoint at, String... extra) {
        List<String> args = new ArrayList<>(List.of("--host", name, "--listen", at.toString(), "--secret",
                secret.toString(), "--log-level", "info"));
        args.addAll(List.of(extra));
        ForkedComponent mpd = fork(name, args);
        mpds.add(mpd);
        return mpd;
    }

    /**
     * Adds an mpd with a host name that joins the running ring (a node coming back).
     *
     * @param name     its host name (e.g. node3)
     * @param hostByte last byte of its address
     * @param extra    extra mpd arguments
     * @return its process
     */
    public ForkedComponent joinNamed(String name, int hostByte, String... extra) {
        ForkedComponent mpd = fork(name, args(name, "127.0.0." + hostByte, List.of("--join", console), extra));
        mpds.add(mpd);
        hosts.add(name);
        return mpd;
    }

    /**
     * Waits until the ring (as the first live mpd sees it) has a size.
     *
     * @param size    members expected
     * @param timeout longest wait
     * @return the members
     */
    public List<RingMember> awaitSize(int size, Duration timeout) {
        return Awaitility.await("a ring of " + size).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(this::trace, members -> members.size() == size);
    }

    /**
     * @return the ring's members, as the console mpd reports them
     * @throws IOException if it cannot be reached
     */
    public List<RingMember> trace() throws IOException {
        try (MpdConsole client = console()) {
            return client.trace();
        }
    }

    /**
     * @return a new console connection to the console mpd; the caller closes it
     * @throws IOException if it cannot be reached
     */
    public MpdConsole console() throws IOException {
        return MpdConsole.connect(Endpoint.parse(console), secretKey());
    }

    /**
     * @return the ring's secret, loaded
     * @throws IOException if the file is unusable
     */
    public SharedKey secretKey() throws IOException {
        return MpdSecret.load(secret);
    }

    /** @return the address mpiexec and the tools talk to */
    public String consoleAddress() {
        return console;
    }

    /** @param newConsole another member's address to use as console (after the first was killed) */
    public void useConsole(String newConsole) {
        this.console = newConsole;
    }

    /**
     * @return the configuration's {@code <ring>} element for this ring: its secret and every current member, which a
     *         component tries in order ({@link TestConfig#with})
     */
    public String configElement() {
        StringBuilder xml = new StringBuilder("<ring secret=\"").append(secret()).append("\">");
        try {
            for (RingMember member : trace()) {
                xml.append("<mpd address=\"").append(member.endpoint()).append("\"/>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ring's members", e);
        }
        return xml.append("</ring>").toString();
    }

    /** @return the secret file */
    public Path secret() {
        return secret;
    }

    /** @return the mpd processes, in start order */
    public List<ForkedComponent> mpds() {
        return mpds;
    }

    /** @return the host names, in start order */
    public List<String> hosts() {
        return hosts;
    }

    /** @return environment variables that point mpiexec and the tools at this ring */
    public Map<String, String> environment() {
        return Map.of("MPD_CONSOLE", console, "MPD_CONF_FILE", secret.toString());
    }

    /** @return the native mpiexec built by the mpd module */
    public static Path mpiexecBinary() {
        String home = System.getProperty("sss.home", System.getProperty("user.dir") + "/..");
        return Path.of(home, "mpd", "target", "native", "mpiexec");
    }

    /**
     * Starts mpiexec (the native one) against this ring without waiting.
     *
     * @param args mpiexec's arguments
     * @return the running process (its output is not consumed)
     */
    public Process startMpiexec(String... args) {
        List<String> command = new ArrayList<>();
        command.add(mpiexecBinary().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(environment());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs mpiexec to its end.
     *
     * @param args mpiexec's arguments
     * @return exit status and output
     */
    public Result mpiexec(String... args) {
        return finish(startMpiexec(args), "mpiexec " + String.join(" ", args), 120);
    }

    /**
     * Runs a command (a tool, a client) to its end, with no input.
     *
     * @param command the program and its arguments
     * @return exit status and output
     * @throws IllegalStateException if it does not end within 60 s
     */
    public static Result run(List<String> command) {
        try {
            return finish(new ProcessBuilder(command).start(), String.join(" ", command), 60);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result finish(Process process, String what, int seconds) {
        try {
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not end within " + seconds + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param stream a process's output
     * @return what it wrote, when it closes
     */
    public static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    /**
     * What mpiexec did.
     *
     * @param exit   its exit status
     * @param stdout what it printed on standard output
     * @param stderr what it printed on standard error
     */
    public record Result(int exit, String stdout, String stderr) {
        /** @return the standard output's lines */
        public List<String> lines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    /** Kills every mpd (SIGKILL); their ranks are killed through their process groups by the test's cleanup. */
    @Override
    public void close() {
        for (ForkedComponent mpd : mpds) {
            if (mpd.isAlive()) {
                mpd.stop(Duration.ofSeconds(10));
            }
        }
    }
}
