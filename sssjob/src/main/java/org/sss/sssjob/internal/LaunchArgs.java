package org.sss.sssjob.internal;

import java.util.List;
import java.util.Set;

/**
 * The options of {@code sssjob run} and {@code sssjob alloc}, read as srun and salloc read theirs: options first
 * ({@code -N 2}, {@code -N2}, {@code --nodes=2}), then the program and its arguments, which are never read as
 * options. An option neither command has is refused by name (exit 2). run also takes srun's {@code --mpi=TYPE} and
 * {@code --cpu-bind=...}, which MPI job scripts carry, without effect: every rank is served PMI-1 and PMIx, and no
 * rank is bound to cores.
 *
 * @param nodes    {@code -N}, nodes wanted, or 0 when not given
 * @param ranks    {@code -n}, processes wanted, or 0 when not given
 * @param ppn      {@code --ppn}, processes per node, or 0 when not given
 * @param walltime {@code -t} as given (Slurm's forms, see {@link SlurmTime}), or {@code null}
 * @param queue    {@code -q}, or {@code null}
 * @param label    {@code -l}: prefix each output line with its rank (run only)
 * @param socket   {@code --socket}, or {@code null}
 * @param help     {@code --help}
 * @param command  the program and its arguments (may be empty for alloc)
 */
public record LaunchArgs(int nodes, int ranks, int ppn, String walltime, String queue, boolean label, String socket,
                         boolean help, List<String> command) {
    private static final Set<String> FLAGS = Set.of("--help", "-h", "-l", "--label");
    private static final Set<String> VALUED = Set.of("-N", "--nodes", "-n", "--ntasks", "--ppn", "--ntasks-per-node",
            "-t", "--time", "-q", "-p", "--partition", "--socket", "--mpi", "--cpu-bind", "--cpu_bind");
    /** srun's {@code --mpi} types: every rank here is served PMI-1 and PMIx, whichever is named. */
    private static final java.util.regex.Pattern MPI_TYPES =
            java.util.regex.Pattern.compile("none|pmi1|pmi2|pmix(_v[2-9])?|openmpi|mpich");
    private static final java.util.regex.Pattern CPU_BINDS = java.util.regex.Pattern.compile("[A-Za-z0-9_,:=.\\-]{1,200}");

    /** Copies the command. */
    public LaunchArgs {
        command = List.copyOf(command);
    }

    /**
     * @param args     the words after {@code run} or {@code alloc}
     * @param forRun   whether {@code -l} is allowed (run's)
     * @return them read
     * @throws CliException (exit 2) for an unknown option, a missing or bad value
     */
    public static LaunchArgs parse(List<String> args, boolean forRun) throws CliException {
        int nodes = 0;
        int ranks = 0;
        int ppn = 0;
        String walltime = null;
        String queue = null;
        boolean label = false;
        String socket = null;
        boolean help = false;
        int i = 0;
        for (; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.equals("-")) {
                break;
            }
            String name = optionName(word);
            String attached = attachedValue(word, name);
            String value = null;
            if (VALUED.contains(name)) {
                value = attached != null ? attached : Args.value(args, ++i, name);
            } else if (attached != null || !FLAGS.contains(name)) {
                throw CliException.usage("unsupported option " + (attached != null && FLAGS.contains(name) ? word : name)
                        + " (sssjob " + (forRun ? "run" : "alloc") + " --help lists what it takes)");
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "-l", "--label" -> {
                    if (!forRun) {
                        throw CliException.usage("unsupported option " + word + " (alloc runs a command and labels "
                                + "nothing; sssjob run -l inside the allocation does)");
                    }
                    label = true;
                }
                case "-N", "--nodes" -> nodes = count(name, value);
                case "-n", "--ntasks" -> ranks = count(name, value);
                case "--ppn", "--ntasks-per-node" -> ppn = count(name, value);
                case "-t", "--time" -> walltime = SlurmTime.toPbs(value);
                case "-q", "-p", "--partition" -> queue = value;
                case "--mpi", "--cpu-bind", "--cpu_bind" -> {
                    if (!forRun) {
                        throw CliException.usage("unsupported option " + name + " (sssjob run takes it)");
                    }
                    java.util.regex.Pattern allowed = name.equals("--mpi") ? MPI_TYPES : CPU_BINDS;
                    if (!allowed.matcher(value).matches()) {
                        throw CliException.usage(name + "=" + value + ": " + (name.equals("--mpi")
                                ? "unknown MPI type (none, pmi2, pmix, pmix_v3, pmix_v4, pmix_v5)" : "not a binding"));
                    }
                    // Taken without effect: the ring serves every rank PMI-1 and PMIx, and binds no rank to cores.
                }
                default -> socket = value;
            }
        }
        if (ranks > 0 && nodes > 0 && ranks < nodes) {
            throw CliException.usage("-n " + ranks + " is fewer processes than -N " + nodes + " nodes");
        }
        if (ranks > 0 && nodes > 0 && ppn > 0 && ranks > nodes * ppn) {
            throw CliException.usage("-n " + ranks + " does not fit on -N " + nodes + " nodes with --ppn " + ppn);
        }
        return new LaunchArgs(nodes, ranks, ppn, walltime, queue, label, socket, help, args.subList(i, args.size()));
    }

    /**
     * The allocation these options ask for, as PBS shapes it ({@code nodes=N:ppn=K}): {@code -N} and {@code -n}
     * give N nodes with ceil(n/N) processes each; {@code -n} with {@code --ppn K} gives ceil(n/K) nodes; {@code -n}
     * alone gives one node with n processes; {@code -N} alone one process per node (K with {@code --ppn}).
     *
     * @return the shape and how many processes to start in it
     */
    public Shape shape() {
        int perNode;
        int nodeCount;
        if (nodes > 0) {
            nodeCount = nodes;
            perNode = ppn > 0 ? ppn : ranks > 0 ? (ranks + nodes - 1) / nodes : 1;
        } else if (ranks > 0) {
            perNode = ppn > 0 ? Math.min(ppn, ranks) : ranks;
            nodeCount = (ranks + perNode - 1) / perNode;
        } else {
            nodeCount = 1;
            perNode = ppn > 0 ? ppn : 1;
        }
        return new Shape(nodeCount, perNode, ranks > 0 ? ranks : nodeCount * perNode);
    }

    /**
     * An allocation's shape.
     *
     * @param nodes nodes
     * @param ppn   slots on each
     * @param ranks processes to start (at most nodes × ppn)
     */
    public record Shape(int nodes, int ppn, int ranks) {
    }

    /** The option's name: {@code --nodes=2} is {@code --nodes}, {@code -N2} is {@code -N}. */
    private static String optionName(String word) {
        if (word.startsWith("--")) {
            int eq = word.indexOf('=');
            return eq < 0 ? word : word.substring(0, eq);
        }
        return word.substring(0, 2);
    }

    /** The value written in the same word ({@code --nodes=2}, {@code -N2}), or {@code null}. */
    private static String attachedValue(String word, String name) {
        if (word.length() == name.length()) {
            return null;
        }
        return word.startsWith("--") ? word.substring(name.length() + 1) : word.substring(2);
    }

    private static int count(String name, String text) throws CliException {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 100_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw CliException.usage(name + " takes a whole number from 1, not '" + text + "'");
    }
}
