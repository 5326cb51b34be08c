package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.sssjob.internal.CliException;

/**
 * sinfo's {@code -o/--format} ({@link PercentFormat}): {@code %P} partition ({@code *} after the default one),
 * {@code %R} partition name, {@code %a} availability, {@code %l} time limit, {@code %D} node count, {@code %t} state
 * (compact: {@code idle}, {@code mix}, {@code alloc}, {@code drain}, {@code drng}, {@code down}, {@code unk}),
 * {@code %T} state (long: {@code idle}, {@code mixed}, {@code allocated}, {@code drained}, {@code draining},
 * {@code down}, {@code unknown}), {@code %N} node list, {@code %f} features, {@code %G} GPUs ({@code gpu:4}), {@code %c} cpus (slots) per node,
 * {@code %E} reason, {@code %F} nodes by state as {@code allocated/idle/other/total} (allocated: alloc and mix; other:
 * down, drain, drng, unk). As sinfo does, each partition's nodes are grouped by the node fields the format shows (state,
 * features, GPUs, cpus, reason), one line per group; with {@code -N}, one line per node. Immutable.
 */
final class SinfoFormat {
    private static final String FIELDS = "PRalDtTNfGcEF";
    /** The fields that belong to a node; a line groups the nodes equal in those the format shows. */
    private static final String NODE_FIELDS = "tTfGcE";
    private final PercentFormat format;

    private SinfoFormat(PercentFormat format) {
        this.format = format;
    }

    /**
     * @param format a format string
     * @return it, read
     * @throws CliException (exit 2) naming an unsupported field
     */
    static SinfoFormat parse(String format) throws CliException {
        return new SinfoFormat(PercentFormat.parse(format, FIELDS));
    }

    /**
     * @param queues     the queue manager's queues (partitions)
     * @param nodes      its node-usage entries
     * @param partitions the partitions asked for, or empty for all
     * @param byNode     {@code -N}: one line per node
     * @param header     whether to print the header line first
     * @return the lines
     */
    List<String> lines(List<Map<String, String>> queues, List<Map<String, String>> nodes, List<String> partitions,
                       boolean byNode, boolean header) {
        List<String> lines = new ArrayList<>();
        if (header) {
            lines.add(format.render(SinfoFormat::title));
        }
        Set<Character> shown = format.fields();
        for (Map<String, String> queue : queues) {
            if (!partitions.isEmpty() && !partitions.contains(queue.get("name"))) {
                continue;
            }
            Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
            for (Map<String, String> node : nodes) {
                StringBuilder key = new StringBuilder(byNode ? node.get("name") : "");
                for (char field : NODE_FIELDS.toCharArray()) {
                    if (shown.contains(field)) {
                        key.append('\0').append(nodeValue(field, node));
                    }
                }
                groups.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(node);
            }
            if (groups.isEmpty()) {
                groups.put("", List.of());
            }
            for (List<Map<String, String>> group : groups.values()) {
                lines.add(format.render(field -> value(field, queue, group)));
            }
        }
        return lines;
    }

    private static String value(char field, Map<String, String> queue, List<Map<String, String>> group) {
        return switch (field) {
            case 'P' -> queue.get("name") + ("true".equals(queue.get("default")) ? "*" : "");
            case 'R' -> queue.get("name");
            case 'a' -> "up";
            case 'l' -> SinfoCommand.limit(queue.get("max-walltime"));
            case 'D' -> String.valueOf(group.size());
            case 'F' -> byState(group);
            case 'N' -> HostList.compress(group.stream().map(node -> node.get("name")).toList());
            default -> group.isEmpty() ? "n/a" : nodeValue(field, group.getFirst());
        };
    }

    private static String nodeValue(char field, Map<String, String> node) {
        return switch (field) {
            case 't' -> SinfoCommand.state(node);
            case 'T' -> longState(SinfoCommand.state(node));
            case 'f' -> {
                String features = node.getOrDefault("features", "").strip();
                yield features.isEmpty() ? "(null)" : String.join(",", features.split("\\s+"));
            }
            case 'G' -> node.getOrDefault("gpus", "").isBlank() ? "(null)" : "gpu:" + node.get("gpus");
            case 'c' -> node.getOrDefault("slots", "1");
            case 'E' -> node.getOrDefault("reason", "").isBlank() ? "none" : node.get("reason");
            default -> throw new IllegalStateException("no value for %" + field);
        };
    }

    /** @return the group's nodes as allocated/idle/other/total */
    private static String byState(List<Map<String, String>> group) {
        int allocated = 0;
        int idle = 0;
        for (Map<String, String> node : group) {
            switch (SinfoCommand.state(node)) {
                case "alloc", "mix" -> allocated++;
                case "idle" -> idle++;
                default -> {
                }
            }
        }
        return allocated + "/" + idle + "/" + (group.size() - allocated - idle) + "/" + group.size();
    }

    static String longState(String compact) {
        return switch (compact) {
            case "mix" -> "mixed";
            case "alloc" -> "allocated";
            case "drain" -> "drained";
            case "drng" -> "draining";
            case "unk" -> "unknown";
            default -> compact;
        };
    }

    private static String title(char field) {
        return switch (field) {
            case 'P', 'R' -> "PARTITION";
            case 'a' -> "AVAIL";
            case 'l' -> "TIMELIMIT";
            case 'D' -> "NODES";
            case 't', 'T' -> "STATE";
            case 'N' -> "NODELIST";
            case 'f' -> "AVAIL_FEATURES";
            case 'G' -> "GRES";
            case 'c' -> "CPUS";
            case 'E' -> "REASON";
            case 'F' -> "NODES(A/I/O/T)";
            default -> throw new IllegalStateException("no title for %" + field);
        };
    }
}
