package org.sss.lib.tool;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.runtime.ComponentMain;

/**
 * {@code sssadmin}: the administrators' command line — node states (through the node state manager), advance
 * reservations (through the scheduler), job priorities and accounting records (through the queue manager). It presents the {@code admin}
 * key of the configuration (or {@code --key NAME}). Exit status: 0 done, 1 refused, 2 usage or configuration error,
 * 3 a component cannot be reached.
 */
public final class SssadminMain {
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private SssadminMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.logLevel("warn");
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path config = null;
        String key = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--config") || arg.equals("-c") || arg.equals("--key")) && i + 1 >= args.size()) {
                err.println("sssadmin: " + arg + " needs a value");
                return USAGE;
            }
            switch (arg) {
                case "--config", "-c" -> config = Path.of(args.get(++i));
                case "--key" -> key = args.get(++i);
                case "--help", "-h", "help" -> {
                    out.print(usage());
                    return OK;
                }
                default -> rest.add(arg);
            }
        }
        if (rest.isEmpty()) {
            err.print(usage());
            return USAGE;
        }
        SssConfig loaded;
        try {
            loaded = ToolConfig.load(config, key != null ? key : defaultKey(config));
        } catch (ConfigException e) {
            err.println("sssadmin: " + e.getMessage());
            return USAGE;
        }
        try (SssClient wire = SssClient.fromConfig(loaded)) {
            ComponentClient components = new ComponentClient(wire, new DirectoryClient(wire, loaded.directoryEndpoint()));
            List<String> words = rest.subList(1, rest.size());
            return switch (rest.getFirst()) {
                case "nodes" -> AdminNodes.list(components, words, out);
                case "drain", "offline", "resume" -> AdminNodes.set(components, rest.getFirst(), words, out);
                case "res", "reservation", "reservations" -> AdminReservations.run(components, words, out);
                case "priority" -> AdminPriority.set(components, words, out);
                case "accounting" -> AdminAccounting.run(components, words, out);
                default -> throw new AdminUsageException("unknown command '" + rest.getFirst() + "' (sssadmin --help)");
            };
        } catch (AdminUsageException e) {
            err.println("sssadmin: " + e.getMessage());
            return USAGE;
        } catch (TransportException e) {
            err.println("sssadmin: " + e.getMessage());
            return UNREACHABLE;
        } catch (RemoteErrorException e) {
            err.println("sssadmin: " + e.getMessage());
            return REFUSED;
        } catch (SssException e) {
            err.println("sssadmin: " + e.getMessage());
            return e.code() == ErrorCode.NOT_REGISTERED ? UNREACHABLE : REFUSED;
        }
    }

    private static String defaultKey(Path config) throws ConfigException {
        SssConfig plain = ToolConfig.load(config, null);
        return plain.security().keys().key("admin").isPresent() ? "admin" : null;
    }

    private static String usage() {
        return """
                usage: sssadmin [--config FILE] [--key NAME] COMMAND [ARGS]

                  nodes                                  every node: state, slots, features, since, reason
                  drain NODE... [--reason TEXT]          no new work on these nodes; running jobs finish
                  offline NODE... [--reason TEXT]        the same, for nodes out of service
                  resume NODE...                         back to work (up, once their mpd is in the ring)
                  res create --nodes "N1 N2"|--count N --start WHEN --duration SECONDS|HH:MM:SS --users "U1 U2"
                                                         an advance reservation (WHEN: an ISO time, now, or +MINUTES;
                                                         --count: the first up nodes free of other reservations)
                  res list                               the reservations
                  res delete ID...                       delete reservations
                  priority JOB N                         set a job's priority (qsub -p, -1024..1023)
                  accounting [--user U] [--since WHEN] [--until WHEN] [-n N] [--format table|csv|xml]
                                                         completed jobs' records (everyone's, or U's): nodes, times,
                                                         exit status, walltime, CPU time, peak memory; WHEN: a date
                                                         (2026-12-01), a time (2026-12-01T08:00) or an age (7d, 12h)

                It presents the configuration's admin key (or --key NAME). Exit status: 0 done, 1 refused,
                2 usage or configuration error, 3 a component cannot be reached.
                """;
    }
}
