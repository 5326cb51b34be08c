package org.sss.mpd;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.runtime.ComponentMain;
import org.sss.lib.wire.Endpoint;

/**
 * {@code mpd [--host NAME] [--listen ADDR:PORT] [--join ADDR:PORT] [--secret FILE] [--console-file FILE]}: runs
 * one mpd in the foreground until it is told to exit (mpdallexit), or receives SIGTERM or SIGINT, when it leaves
 * the ring cleanly. Exit status: 0 after a clean exit, 1 if it cannot start (address in use, the join refused), 2 for
 * a usage error or an unusable secret file (missing, empty, or readable by others).
 */
public final class MpdMain {
    private MpdMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        MpdSettings settings;
        int members;
        try {
            members = MpdMembersMain.count(args);
            settings = parse(MpdMembersMain.without(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("mpd: " + e.getMessage() + " (try --help)");
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.exit(0);
            return;
        }
        try {
            MpdSecret.load(settings.secretFile());
        } catch (IOException e) {
            System.err.println("mpd: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (members > 0) {
            System.exit(MpdMembersMain.run(settings, members));
            return;
        }
        Mpd mpd;
        try {
            mpd = Mpd.start(settings);
        } catch (IOException e) {
            System.err.println("mpd: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            mpd.close();
            Runtime.getRuntime().halt(0);
        }));
        mpd.awaitExit();
        System.exit(0);
    }

    /**
     * @param args the command line
     * @param out  where {@code --help} goes
     * @return the settings, or null when only help was asked for
     * @throws IllegalArgumentException naming the bad argument
     */
    static MpdSettings parse(String[] args, PrintStream out) {
        String host = null;
        String listen = null;
        Endpoint join = null;
        Path secret = MpdSecret.defaultFile();
        Path console = null;
        int fanout = 4;
        Duration grace = Duration.ofSeconds(5);
        Duration watch = Duration.ofMillis(1500);
        Duration frame = org.sss.mpd.internal.Link.DEFAULT_FRAME_TIMEOUT;
        Duration keepEnded = Duration.ofHours(1);
        Path helper = null;
        Path pmixHelper = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    usage(out);
                    return null;
                }
                case "--host" -> host = value(args, ++i, arg);
                case "--listen" -> listen = value(args, ++i, arg);
                case "--join" -> join = Endpoint.parse(value(args, ++i, arg));
                case "--secret" -> secret = Path.of(value(args, ++i, arg));
                case "--console-file" -> console = Path.of(value(args, ++i, arg));
                case "--fanout" -> fanout = Integer.parseInt(value(args, ++i, arg));
                case "--grace" -> grace = seconds(value(args, ++i, arg), arg);
                case "--watch-timeout" -> watch = seconds(value(args, ++i, arg), arg);
                case "--frame-timeout" -> frame = seconds(value(args, ++i, arg), arg);
                case "--keep-ended" -> keepEnded = seconds(value(args, ++i, arg), arg);
                case "--exec-helper" -> helper = Path.of(value(args, ++i, arg));
                case "--pmix-helper" -> pmixHelper = Path.of(value(args, ++i, arg));
                case "--cgroups" -> System.setProperty(org.sss.mpd.internal.cgroup.Cgroups.PROPERTY,
                        cgroups(value(args, ++i, arg)));
                case "--pmix-security" -> System.setProperty(PmixSecurity.PROPERTY,
                        PmixSecurity.parse(value(args, ++i, arg)).option());
                case "--log-level" -> ComponentMain.logLevel(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        String address;
        int port = 0;
        if (listen != null) {
            int colon = listen.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--listen needs ADDR:PORT");
            }
            address = listen.substring(0, colon);
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--listen port is not a number: " + listen);
            }
        } else {
            try {
                address = InetAddress.getByName(host).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host " + host + "; give --listen ADDR:PORT");
            }
        }
        return new MpdSettings(host, host, address, port, join, secret, console, fanout, grace, watch, frame, keepEnded, helper,
                pmixHelper);
    }

    private static Duration seconds(String text, String option) {
        try {
            return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs seconds, got " + text);
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static void usage(PrintStream out) {
        out.println("usage: mpd [--host NAME] [--listen ADDR:PORT] [--join ADDR:PORT] [--secret FILE] [--console-file FILE]");
        out.println("           [--fanout K] [--grace SECONDS] [--watch-timeout SECONDS] [--frame-timeout SECONDS]");
        out.println("           [--keep-ended SECONDS] [--exec-helper FILE] [--pmix-helper FILE] [--pmix-security MODE]");
        out.println("           [--log-level LEVEL]");
        out.println("           [--members N]");
        out.println("Runs one member of an mpd ring in the foreground.");
        out.println();
        out.println("  --host NAME          this mpd's id and host name (default: the machine's host name)");
        out.println("  --listen ADDR:PORT   where to listen (default: NAME's address, any free port)");
        out.println("  --join ADDR:PORT     join the ring of the mpd there (default: start a new ring)");
        out.println("  --secret FILE        the ring's secret, mode 0600 (default: $MPD_CONF_FILE, else ~/.mpd.conf)");
        out.println("  --console-file FILE  write this mpd's address there for mpiexec and the tools");
        out.println("  --fanout K           children per node of the launch tree (default 4)");
        out.println("  --grace SECONDS      SIGTERM to SIGKILL delay when a job is killed (default 5)");
        out.println("  --watch-timeout S    a right neighbour silent this long is declared lost (default 1.5)");
        out.println("  --frame-timeout S    a peer that stops in the middle of a message is dropped after this (default 30)");
        out.println("  --keep-ended S       how long the end of a detached (process manager) job waits to be collected (default 3600)");
        out.println("  --cgroups MODE       control groups for confined jobs: auto (v2, else v1), v1, v2 or none");
        out.println("  --exec-helper FILE   the sss-exec helper that sets limits and users (default: the one built with mpd)");
        out.println("  --pmix-helper FILE   the sss-pmix PMIx server (default: the one built with mpd, if libpmix-dev was");
        out.println("                       there); a FILE that is not a program leaves this mpd serving PMI-1 only");
        out.println("  --pmix-security MODE how the PMIx server knows who connects: munge (munged vouches for each client's");
        out.println("                       uid; no PMIx without munged), native (a client's claimed uid is believed: any");
        out.println("                       local user can pose as another's rank) or auto (default: munge if munged answers");
        out.println("                       at " + PmixSecurity.MUNGE_SOCKET + " when the server starts, else native)");
        out.println();
        out.println("  --members N          run N members of the ring in this JVM, for measuring large rings on one machine:");
        out.println("                       member k is HOST-k on the (k-1)th address after --listen's (a 127.x.y.z address,");
        out.println("                       default 127.1.0.1); commands on stdin: whole, await-whole S, crash ID..., crash-spread K,");
        out.println("                       exit (see docs/SCALE.md)");
        out.println();
        out.println("Exit status: 0 clean exit, 1 cannot start, 2 usage error or unusable secret file.");
    }

    private static String cgroups(String mode) {
        if (!java.util.Set.of("auto", "v1", "v2", "none").contains(mode)) {
            throw new IllegalArgumentException("--cgroups takes auto, v1, v2 or none, not " + mode);
        }
        return mode;
    }
}
