package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;

/**
 * {@code sinfo}: the partitions (the queue manager's queues; every queue spans every node) and their nodes grouped
 * by state, one line per partition and state: {@code PARTITION AVAIL TIMELIMIT NODES STATE NODELIST}, the default
 * partition marked {@code *}. Node states come from the queue manager's {@code node-usage-query}: a node that is up
 * is {@code idle} with no running job, {@code mix} with some of its slots held, {@code alloc} with all; a down node
 * is {@code down}, a drained one {@code drain} ({@code drng} while jobs still run on it), an offline one
 * {@code down}, and {@code unk} when the node state manager could not be asked. {@code -N/--Node}: one line per node
 * and partition ({@code NODELIST NODES PARTITION STATE}); {@code -p/--partition}, {@code -h/--noheader};
 * {@code -o/--format} ({@link SinfoFormat}); {@code -t/--states} and {@code -n/--nodes} (a host list) show only those
 * nodes; {@code -s/--summarize} one line per partition with its nodes by state ({@code NODES(A/I/O/T)});
 * {@code -R/--list-reasons} the nodes that are down, drained or unknown, by reason; {@code -l/--long} long state
 * names (with {@code -N}, each node's cpus, features and reason too).
 */
public final class SinfoCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("noheader", 'h', false),
            new LongOptions.Spec("Node", 'N', false),
            new LongOptions.Spec("format", 'o', true),
            new LongOptions.Spec("states", 't', true),
            new LongOptions.Spec("nodes", 'n', true),
            new LongOptions.Spec("summarize", 's', false),
            new LongOptions.Spec("list-reasons", 'R', false),
            new LongOptions.Spec("long", 'l', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", '\0', false));

    /** sinfo -s's format. */
    static final String SUMMARY = "%9P %.5a %.10l %.16F %N";
    /** sinfo -R's format (the suite keeps no user or time for a reason). */
    static final String REASONS = "%20E %N";
    /** sinfo -l's format. */
    static final String LONG = "%9P %.5a %.10l %.6D %.11T %N";
    /** sinfo -N -l's format. */
    static final String NODE_LONG = "%10N %.6D %10P %.11T %.4c %20f %E";
    /**
     * The states -t takes, compact and long, and the compact ones each chooses: {@code drain} both drained and
     * draining nodes, as Slurm's; Slurm's states no node here is ever in ({@code fail}, {@code maint}, ...) none.
     */
    private static final Map<String, java.util.Set<String>> STATES = Map.ofEntries(Map.entry("idle", Set.of("idle")),
            Map.entry("mix", Set.of("mix")), Map.entry("mixed", Set.of("mix")), Map.entry("alloc", Set.of("alloc")),
            Map.entry("allocated", Set.of("alloc")), Map.entry("drain", Set.of("drain", "drng")),
            Map.entry("drained", Set.of("drain")), Map.entry("drng", Set.of("drng")),
            Map.entry("draining", Set.of("drng")), Map.entry("down", Set.of("down")), Map.entry("unk", Set.of("unk")),
            Map.entry("unknown", Set.of("unk")), Map.entry("fail", Set.of()), Map.entry("failing", Set.of()),
            Map.entry("maint", Set.of()), Map.entry("resv", Set.of()), Map.entry("reserved", Set.of()),
            Map.entry("future", Set.of()), Map.entry("comp", Set.of()), Map.entry("completing", Set.of()),
            Map.entry("plnd", Set.of()), Map.entry("planned", Set.of()));

    private SinfoCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @return the exit status
     * @throws CliException for bad arguments or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(OPTIONS, args, false);
        if (LongOptions.last(parsed, "help").isPresent()) {
            invocation.out().print(SlurmHelp.sinfo());
            return ExitStatus.OK;
        }
        if (!parsed.operands().isEmpty()) {
            throw CliException.usage("unexpected argument " + parsed.operands().getFirst());
        }
        List<String> partitions = LongOptions.last(parsed, "partition").map(p -> Arrays.asList(p.split(",")))
                .orElse(List.of());
        List<Map<String, String>> queues;
        List<Map<String, String>> nodes;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(LongOptions.last(parsed, "socket")
                .orElse(null), invocation.environment()))) {
            queues = client.call(Requests.queues(), "queues", "queue");
            nodes = client.call(Requests.nodeUsage(), "node-usage");
        }
        boolean filtered = LongOptions.last(parsed, "states").isPresent() || LongOptions.last(parsed, "nodes").isPresent()
                || LongOptions.last(parsed, "list-reasons").isPresent();
        nodes = chosen(parsed, nodes);
        boolean header = LongOptions.last(parsed, "noheader").isEmpty();
        boolean byNode = LongOptions.last(parsed, "Node").isPresent();
        boolean reasons = LongOptions.last(parsed, "list-reasons").isPresent();
        String formatText = LongOptions.last(parsed, "format").orElse(reasons ? REASONS
                : LongOptions.last(parsed, "summarize").isPresent() ? SUMMARY
                : LongOptions.last(parsed, "long").isPresent() ? (byNode ? NODE_LONG : LONG) : null);
        if (header && LongOptions.last(parsed, "long").isPresent()) {
            invocation.out().println(SlurmTimes.ctime(java.time.Instant.now()));
        }
        if (formatText != null) {
            if (reasons) { // the nodes out of use, whatever their partition: one line per reason
                nodes = nodes.stream().filter(node -> !List.of("idle", "mix", "alloc").contains(state(node))).toList();
                queues = queues.isEmpty() ? queues : queues.subList(0, 1);
                partitions = List.of();
            }
            if (filtered && nodes.isEmpty()) {
                queues = List.of(); // no node chosen: the header alone, as sinfo prints
            }
            SinfoFormat format = SinfoFormat.parse(formatText);
            format.lines(queues, nodes, partitions, byNode && !reasons, header).forEach(invocation.out()::println);
            return ExitStatus.OK;
        }
        if (filtered && nodes.isEmpty()) {
            queues = List.of();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(byNode ? new String[] {"NODELIST", "NODES", "PARTITION", "STATE"}
                : new String[] {"PARTITION", "AVAIL", "TIMELIMIT", "NODES", "STATE", "NODELIST"});
        for (Map<String, String> queue : queues) {
            String name = queue.get("name");
            if (!partitions.isEmpty() && !partitions.contains(name)) {
                continue;
            }
            String shown = name + ("true".equals(queue.get("default")) ? "*" : "");
            if (byNode) {
                for (Map<String, String> node : nodes) {
                    rows.add(new String[] {node.get("name"), "1", shown, state(node)});
                }
                continue;
            }
            Map<String, List<String>> byState = new LinkedHashMap<>();
            for (Map<String, String> node : nodes) {
                byState.computeIfAbsent(state(node), s -> new ArrayList<>()).add(node.get("name"));
            }
            String limit = limit(queue.get("max-walltime"));
            if (byState.isEmpty()) {
                rows.add(new String[] {shown, "up", limit, "0", "n/a", ""});
            }
            byState.forEach((state, names) -> rows.add(new String[] {shown, "up", limit, String.valueOf(names.size()),
                    state, HostList.compress(names)}));
        }
        print(invocation, header ? rows : rows.subList(1, rows.size()), byNode);
        return ExitStatus.OK;
    }

    /** @return the nodes -t (states) and -n (a host list) choose, all without them */
    private static List<Map<String, String>> chosen(LongOptions.Parsed parsed, List<Map<String, String>> nodes)
            throws CliException {
        java.util.Set<String> states = new java.util.HashSet<>();
        String[] asked = LongOptions.last(parsed, "states").map(s -> s.split(",")).orElse(new String[0]);
        for (String state : asked) {
            java.util.Set<String> compact = STATES.get(state.strip().toLowerCase(java.util.Locale.ROOT));
            if (compact == null) {
                throw CliException.usage("--states=" + state + ": unknown state (idle, mix, alloc, drain, drng, down,"
                        + " unk, or their long names)");
            }
            states.addAll(compact);
        }
        String nodeList = LongOptions.last(parsed, "nodes").orElse("");
        java.util.Set<String> names = nodeList.isBlank() ? java.util.Set.of()
                : java.util.Set.copyOf(HostListExpansion.nodeNames("--nodes", nodeList));
        return nodes.stream().filter(node -> asked.length == 0 || states.contains(state(node)))
                .filter(node -> names.isEmpty() || names.contains(node.get("name"))).toList();
    }

    /**
     * @param node a node-usage entry
     * @return its Slurm state
     */
    static String state(Map<String, String> node) {
        int slots = parse(node.get("slots"));
        int used = parse(node.get("used-slots"));
        return switch (node.getOrDefault("state", "unknown")) {
            case "up" -> used == 0 ? "idle" : used >= slots ? "alloc" : "mix";
            case "down", "offline" -> "down";
            case "drained" -> used == 0 ? "drain" : "drng";
            default -> "unk";
        };
    }

    /** @return a queue's time limit as sinfo shows it: {@code infinite}, or D-HH:MM:SS */
    static String limit(String seconds) {
        long value = parse(seconds);
        return value <= 0 ? "infinite" : SlurmTimes.format(value);
    }

    private static int parse(String text) {
        try {
            return text == null || text.isEmpty() ? 0 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Prints the rows as sinfo does ({@code %#P %.5a %.10l %.6D %.6t %N}, or with -N {@code %#N %.6D %#P %6t}): the
     * first column as wide as its widest cell, the numbered ones at least that wide, {@code .} ones right-justified.
     */
    private static void print(Invocation invocation, List<String[]> rows, boolean byNode) {
        int[] minimum = byNode ? new int[] {0, 6, 0, 6} : new int[] {0, 5, 10, 6, 6, 0};
        boolean[] right = byNode ? new boolean[] {false, true, false, false}
                : new boolean[] {false, true, true, true, true, false};
        int columns = minimum.length;
        int[] widths = minimum.clone();
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String pad = " ".repeat(widths[c] - row[c].length());
                line.append(c == 0 ? "" : " ").append(right[c] ? pad + row[c] : row[c] + pad);
            }
            invocation.out().println(line.toString().stripTrailing());
        }
    }
}
