package org.sss.mpd.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.MpdSecret;
import org.sss.mpd.internal.Member;
import org.sss.mpd.internal.MpdMessage;

/**
 * {@code mpdboot -n N [--local | -f HOSTFILE] [--rsh CMD]}: starts a ring of N mpds and returns once all of them
 * are in it, writing the console file that mpiexec and the tools read.
 *
 * <ul>
 *   <li>{@code --local}: N mpds on this machine at 127.0.0.2 … 127.0.0.N+1, each its own "host";</li>
 *   <li>{@code -f HOSTFILE}: one mpd here, the others on the file's hosts (one per line, {@code #} comments,
 *       {@code :count} ignored), started with {@code ssh HOST} (or {@code --rsh CMD}); the hosts share this
 *       installation's path and the secret file, as they did for MPD.</li>
 * </ul>
 * Logs go to {@code $MPD_LOG_DIR} (default {@code $TMPDIR/sss-mpd-$USER}). Exit status: 0 the ring is up,
 * 1 it could not be started (which mpd failed, and the end of its log), 2 usage error.
 */
public final class MpdBootMain {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private MpdBootMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ToolArgs options = ToolArgs.parse("mpdboot", args);
        if (options.help()) {
            usage();
            return;
        }
        int n = 0;
        boolean local = false;
        Path hostfile = null;
        String rsh = "ssh";
        List<String> rest = options.remaining();
        try {
            for (int i = 0; i < rest.size(); i++) {
                switch (rest.get(i)) {
                    case "-n" -> n = Integer.parseInt(rest.get(++i));
                    case "--local" -> local = true;
                    case "-f" -> hostfile = Path.of(rest.get(++i));
                    case "--rsh" -> rsh = rest.get(++i);
                    default -> throw new IllegalArgumentException("unknown argument " + rest.get(i));
                }
            }
            if (n < 1) {
                throw new IllegalArgumentException("-n needs a number of mpds of at least 1");
            }
            if (local == (hostfile != null) && !(local || n == 1)) {
                throw new IllegalArgumentException("give --local or -f HOSTFILE");
            }
            if (n > 250 && local) {
                throw new IllegalArgumentException("--local supports at most 250 mpds (127.0.0.2 to 127.0.0.251)");
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            System.err.println("mpdboot: " + (e instanceof IndexOutOfBoundsException ? "an option lacks its value" : e.getMessage())
                    + " (try --help)");
            System.exit(2);
            return;
        }
        try {
            boot(n, local, hostfile, rsh, options.secret());
        } catch (IOException e) {
            System.err.println("mpdboot: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void boot(int n, boolean local, Path hostfile, String rsh, Path secretOption) throws IOException {
        Path secret = secretOption != null ? secretOption : MpdSecret.defaultFile();
        MpdSecret.load(secret);
        Path console = ConsoleClient.defaultConsoleFile();
        if (Files.exists(console) && ringAnswers(secret)) {
            throw new IOException("a ring is already running (its console is " + Files.readString(console).trim()
                    + "); stop it with mpdallexit first");
        }
        Path logs = privateDirectory(logDir());
        Path mpd = Path.of(home(), "bin", "mpd");
        List<String> hosts = new ArrayList<>();
        if (local) {
            for (int i = 0; i < n; i++) {
                hosts.add("127.0.0." + (2 + i));
            }
        } else {
            hosts.add(InetAddress.getLocalHost().getHostName());
            if (hostfile != null) {
                hosts.addAll(readHostfile(hostfile));
            }
            if (hosts.size() < n) {
                throw new IOException("need " + n + " hosts but only " + hosts.size() + " are known (this one and " + hostfile + ")");
            }
        }
        Path firstConsole = logs.resolve(hosts.getFirst() + ".console");
        Files.deleteIfExists(firstConsole);
        start(List.of(mpd.toString(), "--host", hosts.getFirst(), "--secret", secret.toString(), "--console-file",
                firstConsole.toString()), null, logs.resolve(hosts.getFirst() + ".log"));
        Endpoint first = waitForConsole(firstConsole, logs.resolve(hosts.getFirst() + ".log"));
        for (int i = 1; i < n; i++) {
            List<String> command = List.of(mpd.toString(), "--host", hosts.get(i), "--secret", secret.toString(), "--join",
                    first.toString());
            start(command, local ? null : rshCommand(rsh, hosts.get(i)),
                    logs.resolve(hosts.get(i) + ".log"));
        }
        List<Member> members = waitForRing(first, secret, n, logs, hosts);
        Files.writeString(console, first + "\n");
        Files.setPosixFilePermissions(console, PosixFilePermissions.fromString("rw-------"));
        System.out.println("mpdboot: ring of " + members.size() + " mpds is up (console " + first + ", logs in " + logs + ")");
    }

    private static List<String> rshCommand(String rsh, String host) {
        List<String> command = new ArrayList<>(List.of(rsh.split(" ")));
        command.add(host);
        return command;
    }

    private static void start(List<String> mpdCommand, List<String> rsh, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        if (rsh == null) {
            command.add("setsid");
            command.add("-f");
            command.addAll(mpdCommand);
        } else {
            command.addAll(rsh);
            // The log's directory may not exist on that host yet: made there as here, the user's own (0700).
            command.add("mkdir -p -m 700 " + quote(log.getParent().toString()) + " && setsid -f "
                    + String.join(" ", mpdCommand.stream().map(MpdBootMain::quote).toList())
                    + " >>" + quote(log.toString()) + " 2>&1 </dev/null");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (rsh == null) {
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        } else {
            builder.inheritIO();
        }
        Process process = builder.start();
        try {
            if (process.waitFor() != 0) {
                throw new IOException("could not start " + String.join(" ", command) + " (exit " + process.exitValue() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static Endpoint waitForConsole(Path file, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!text.isEmpty()) {
                    return Endpoint.parse(text);
                }
            }
            pause();
        }
        throw new IOException("the first mpd did not start within " + START_TIMEOUT.toSeconds() + " s; " + tail(log));
    }

    private static List<Member> waitForRing(Endpoint first, Path secret, int n, Path logs, List<String> hosts) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<Member> members = List.of();
        while (System.nanoTime() < deadline) {
            try (ConsoleClient console = ConsoleClient.connect(first.toString(), secret)) {
                members = Member.decodeAll(console.call(MpdMessage.of("trace").build()).require("members"));
                if (members.size() >= n) {
                    return members;
                }
            } catch (IOException | org.sss.mpd.internal.MalformedMessageException e) {
                members = List.of();
            }
            pause();
        }
        List<String> missing = new ArrayList<>(hosts.subList(0, n));
        members.forEach(m -> missing.remove(m.id()));
        StringBuilder why = new StringBuilder("only " + members.size() + " of " + n + " mpds joined within "
                + START_TIMEOUT.toSeconds() + " s; missing " + missing);
        for (String host : missing) {
            why.append("; ").append(host).append(": ").append(tail(logs.resolve(host + ".log")));
        }
        throw new IOException(why.toString());
    }

    private static boolean ringAnswers(Path secret) {
        try (ConsoleClient console = ConsoleClient.connect(null, secret)) {
            console.call(MpdMessage.of("trace").build());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> readHostfile(Path file) throws IOException {
        List<String> hosts = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String entry = line.replaceAll("#.*", "").trim();
            if (!entry.isEmpty()) {
                int colon = entry.indexOf(':');
                hosts.add(colon > 0 ? entry.substring(0, colon) : entry);
            }
        }
        return hosts;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(empty log " + log + ")" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log " + log + ")";
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** @return the installation directory ($SSS_HOME, set by the bin/ scripts) */
    static String home() {
        String home = System.getenv("SSS_HOME");
        return home != null ? home : System.getProperty("user.dir");
    }

    /**
     * The log directory, made the user's own (0700) if it is not there; one that is there must be a directory (not a
     * link) that the user owns and no one else may write: in a shared /tmp another user could have made it first, and
     * the logs and the console file written into it would follow the links they planted.
     */
    static Path privateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile: checked below like any that was there
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (set MPD_LOG_DIR to one of yours)");
        }
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        String self = System.getProperty("user.name");
        var permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(self) || permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("log directory " + dir + " belongs to " + owner + " or others may write it; "
                    + "remove it or set MPD_LOG_DIR to a directory of " + self + "'s");
        }
        return dir;
    }

    /** @return where mpd logs go */
    static Path logDir() {
        String explicit = System.getenv("MPD_LOG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp != null && !tmp.isBlank() ? tmp : "/tmp", "sss-mpd-" + System.getProperty("user.name"));
    }

    private static void usage() {
        System.out.println("usage: mpdboot -n N (--local | -f HOSTFILE [--rsh CMD]) [--secret FILE]");
        System.out.println("Starts a ring of N mpds and returns once all are in it.");
        System.out.println();
        System.out.println("  --local        N mpds on this machine at 127.0.0.2 ... 127.0.0.N+1, each its own host");
        System.out.println("  -f HOSTFILE    one mpd here, the others on the file's hosts (one per line), started over ssh");
        System.out.println("  --rsh CMD      the remote shell for -f (default ssh)");
        System.out.println("  --secret FILE  the ring's secret, mode 0600 (default: $MPD_CONF_FILE, else ~/.mpd.conf)");
        System.out.println();
        System.out.println("Writes the console address to $MPD_CONSOLE_FILE (default $TMPDIR/sss-mpd-$USER.console); logs to");
        System.out.println("$MPD_LOG_DIR (default $TMPDIR/sss-mpd-$USER). Exit status: 0 up, 1 failed, 2 usage error.");
    }
}
