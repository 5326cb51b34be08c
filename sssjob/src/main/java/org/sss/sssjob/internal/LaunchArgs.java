package org.sss.sssjob.internal;

import java.util.List;
import java.util.Set;
import org.sss.sssjob.internal.slurm.HostListExpansion;

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
 * @param nodelist {@code -w}, nodes that must be among the allocation's (inside one: that run must use), each once
 * @param exclude  {@code -x}, nodes that must not be
 * @param features {@code -C}, features every node of the allocation must have (outside an allocation only)
 * @param gpus     {@code --gres=gpu:N} or {@code --gpus-per-node=N}, GPUs on each node, 0 for none (outside an
 *                 allocation only)
 * @param reservation {@code --reservation}, the advance reservation the allocation runs in, or {@code null} (outside
 *                 an allocation only)
 * @param qos      {@code --qos} (srun's and salloc's {@code -q} too), the allocation's quality of service, or
 *                 {@code null} for the default one (outside an allocation only)
 */
public record LaunchArgs(int nodes, int ranks, int ppn, String walltime, String queue, boolean label, String socket,
                         boolean help, List<String> command, List<String> nodelist, List<String> exclude,
                         List<String> features, int gpus, String reservation, String qos) {
    private static final Set<String> FLAGS = Set.of("--help", "-h", "-l", "--label");
    private static final Set<String> VALUED = Set.of("-N", "--nodes", "-n", "--ntasks", "--ppn", "--ntasks-per-node",
            "-t", "--time", "-q", "-p", "--partition", "--socket", "--mpi", "--cpu-bind", "--cpu_bind", "-w",
            "--nodelist", "-x", "--exclude", "-C", "--constraint", "--gres",
            "--gpus-per-node", "--reservation", "--qos");
    private static final String NOT_QOS = "not a QOS name (sssjob queues lists them: normal)";
    private static final java.util.regex.Pattern FEATURE = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    /** srun's {@code --mpi} types: every rank here is served PMI-1 and PMIx, whichever is named. */
    private static final java.util.regex.Pattern MPI_TYPES =
            java.util.regex.Pattern.compile("none|pmi1|pmi2|pmix(_v[2-9])?|openmpi|mpich");
    private static final java.util.regex.Pattern CPU_BINDS = java.util.regex.Pattern.compile("[A-Za-z0-9_,:=.\\-]{1,200}");

    /** Copies the lists. */
    public LaunchArgs {
        command = List.copyOf(command);
        nodelist = List.copyOf(nodelist);
        exclude = List.copyOf(exclude);
        features = List.copyOf(features);
    }

    /**
     * @param args     the words after {@code run} or {@code alloc}
     * @param forRun   whether {@code -l} is allowed (run's)
     * @return them read
     * @throws CliException (exit 2) for an unknown option, a missing or bad value
     */
    public static LaunchArgs parse(List<String> args, boolean forRun) throws CliException {
        return parse(args, forRun, false);
    }

    /**
     * @param args   the words after {@code run} or {@code alloc}, or srun's or salloc's
     * @param forRun whether {@code -l} is allowed (run's)
     * @param slurm  whether they are srun's or salloc's, whose {@code -q} is {@code --qos} (sssjob's is the queue)
     * @return them read
     * @throws CliException (exit 2) for an unknown option, a missing or bad value
     */
    public static LaunchArgs parse(List<String> args, boolean forRun, boolean slurm) throws CliException {
        int nodes = 0;
        int ranks = 0;
        int ppn = 0;
        String walltime = null;
        String queue = null;
        boolean label = false;
        String socket = null;
        boolean help = false;
        List<String> nodelist = List.of();
        List<String> exclude = List.of();
        List<String> features = List.of();
        int gpus = 0;
        String reservation = null;
        String qos = null;
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
                case "-q", "-p", "--partition" -> {
                    if (slurm && name.equals("-q")) {
                        qos = named("-q", value, NOT_QOS);
                    } else {
                        queue = value;
                    }
                }
                case "--qos" -> qos = named(name, value, NOT_QOS);
                case "-w", "--nodelist" -> nodelist = HostListExpansion.nodeNames(name, value);
                case "-x", "--exclude" -> exclude = HostListExpansion.nodeNames(name, value);
                case "-C", "--constraint" -> features = features(name, value);
                case "--reservation" -> reservation = named("--reservation", value,
                        "not a reservation's name (sssadmin res list shows them: res1)");
                case "--gres", "--gpus-per-node" -> {
                    Gpus asked = gpus(name, value);
                    gpus = asked.count();
                    if (asked.type() != null && !features.contains(asked.type())) {
                        features = java.util.stream.Stream.concat(features.stream(), java.util.stream.Stream.of(asked.type()))
                                .toList();
                    }
                }
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
        if (nodes > 0 && nodelist.size() > nodes) {
            throw CliException.usage("-w names " + nodelist.size() + " nodes, more than -N " + nodes);
        }
        if (ranks > 0 && ranks < nodelist.size()) {
            throw CliException.usage("-n " + ranks + " is fewer processes than the " + nodelist.size()
                    + " nodes of -w");
        }
        for (String node : nodelist) {
            if (exclude.contains(node)) {
                throw CliException.usage("node " + node + " is both in -w and in -x");
            }
        }
        return new LaunchArgs(nodes, ranks, ppn, walltime, queue, label, socket, help, args.subList(i, args.size()),
                nodelist, exclude, features, gpus, reservation, qos);
    }

    /** @return a reservation's or quality of service's name, once it looks like one; else says {@code what} it is not */
    private static String named(String option, String value, String what) throws CliException {
        if (!FEATURE.matcher(value).matches()) {
            throw CliException.usage(option + "=" + value + ": " + what);
        }
        return value;
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
        if (nodes > 0 || (!nodelist.isEmpty() && ranks == 0)) {
            nodeCount = nodes > 0 ? nodes : nodelist.size();
            perNode = ppn > 0 ? ppn : ranks > 0 ? (ranks + nodeCount - 1) / nodeCount : 1;
        } else if (ranks > 0) {
            perNode = ppn > 0 ? Math.min(ppn, ranks) : ranks;
            nodeCount = (ranks + perNode - 1) / perNode;
            if (nodeCount < nodelist.size()) {
                nodeCount = nodelist.size();
                perNode = ppn > 0 ? ppn : (ranks + nodeCount - 1) / nodeCount;
            }
        } else {
            nodeCount = 1;
            perNode = ppn > 0 ? ppn : 1;
        }
        return new Shape(nodeCount, perNode, ranks > 0 ? ranks : nodeCount * perNode, nodelist, exclude, features,
                gpus);
    }

    /**
     * An allocation's shape.
     *
     * @param nodes    nodes
     * @param ppn      slots on each
     * @param ranks    processes to start (at most nodes × ppn)
     * @param required nodes it must include (at most {@code nodes})
     * @param excluded nodes it must not include
     * @param features what each of its nodes must offer
     * @param gpus     the GPUs each of its nodes must have
     */
    public record Shape(int nodes, int ppn, int ranks, List<String> required, List<String> excluded,
                        List<String> features, int gpus) {
        /** Copies the lists. */
        public Shape {
            required = List.copyOf(required);
            excluded = List.copyOf(excluded);
            features = List.copyOf(features);
        }

        /**
         * @return the qsub options asking for it: {@code -l nodes=N:ppn=K[:FEATURE...]}, or Torque's named form with
         *     the required nodes first ({@code node1:ppn=K+node2:ppn=K+1:ppn=K}), and the suite's
         *     {@code -W exclude=...}
         */
        public List<String> qsubOptions() {
            String each = ":ppn=" + ppn + (gpus > 0 ? ":gpus=" + gpus : "")
                    + features.stream().map(feature -> ":" + feature).reduce("", String::concat);
            List<String> parts = new java.util.ArrayList<>();
            required.forEach(node -> parts.add(node + each));
            if (nodes > required.size()) {
                parts.add((nodes - required.size()) + each);
            }
            List<String> options = new java.util.ArrayList<>(List.of("-l", "nodes=" + String.join("+", parts)));
            if (!excluded.isEmpty()) {
                options.addAll(List.of("-W", "exclude=" + String.join(",", excluded)));
            }
            return options;
        }
    }

    /**
     * srun's {@code --gres=gpu[:TYPE][:N]} and {@code --gpus-per-node=[TYPE:]N}: GPUs on each node, and a type the
     * nodes must have as a feature.
     */
    private record Gpus(int count, String type) {
    }

    private static Gpus gpus(String name, String value) throws CliException {
        String rest = name.equals("--gres") ? value.equals("gpu") ? "1" : value.startsWith("gpu:") ? value.substring(4)
                : "" : value;
        String[] parts = rest.split(":", -1);
        String type = parts.length == 2 ? parts[0] : parts.length == 1 && name.equals("--gres")
                && !parts[0].matches("\\d*") ? parts[0] : null;
        String count = type != null && parts.length == 1 ? "1" : parts[parts.length - 1];
        if (parts.length > 2 || (type != null && !FEATURE.matcher(type).matches()) || !count.matches("\\d{1,4}")
                || Integer.parseInt(count) < 1 || Integer.parseInt(count) > 1024) {
            throw CliException.usage(name + "=" + value + ": expected " + (name.equals("--gres") ? "gpu[:TYPE][:N]"
                    : "[TYPE:]N") + ", N GPUs on each node (1 to 1024)");
        }
        return new Gpus(Integer.parseInt(count), type);
    }

    /** srun's {@code -C}: one feature or several joined by {@code &}. */
    private static List<String> features(String name, String value) throws CliException {
        List<String> features = new java.util.ArrayList<>();
        for (String feature : value.split("&", -1)) {
            if (!FEATURE.matcher(feature.strip()).matches()) {
                throw CliException.usage(name + " " + value + ": only feature names joined by & are taken");
            }
            if (!features.contains(feature.strip())) {
                features.add(feature.strip());
            }
        }
        return features;
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
