package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code -o/--format} ({@link SinfoFormat}).
 */
public final class SinfoCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("noheader", 'h', false),
            new LongOptions.Spec("Node", 'N', false),
            new LongOptions.Spec("format", 'o', true),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", '\0', false));

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
        boolean header = LongOptions.last(parsed, "noheader").isEmpty();
        boolean byNode = LongOptions.last(parsed, "Node").isPresent();
        if (LongOptions.last(parsed, "format").isPresent()) {
            SinfoFormat format = SinfoFormat.parse(LongOptions.last(parsed, "format").get());
            format.lines(queues, nodes, partitions, byNode, header).forEach(invocation.out()::println);
            return ExitStatus.OK;
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
