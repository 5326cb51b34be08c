package org.sss.sssjob.internal.slurm;

import java.util.Locale;
import java.util.Map;
import org.sss.sssjob.internal.CliException;

/**
 * squeue's {@code -O/--Format}: a comma-separated list of field names, each {@code NAME[:[.][WIDTH]]} (case-insensitive,
 * as Slurm's), read into the equivalent {@code -o} format ({@link SqueueFormat}): each field padded to WIDTH (20 when
 * not given, as Slurm's; none after a bare {@code :}), left-justified, or right-justified with the {@code .}; the
 * fields are not otherwise separated. Stateless.
 */
final class SqueueFields {
    /** Slurm's long names, lowercased, and the {@code -o} letter each is. */
    private static final Map<String, Character> NAMES = Map.ofEntries(
            Map.entry("jobid", 'i'), Map.entry("jobarrayid", 'i'), Map.entry("arrayjobid", 'A'),
            Map.entry("name", 'j'), Map.entry("username", 'u'), Map.entry("statecompact", 't'),
            Map.entry("state", 'T'), Map.entry("timeused", 'M'), Map.entry("timelimit", 'l'),
            Map.entry("numnodes", 'D'), Map.entry("reasonlist", 'R'), Map.entry("partition", 'P'),
            Map.entry("nodelist", 'N'), Map.entry("numcpus", 'C'), Map.entry("submittime", 'V'),
            Map.entry("starttime", 'S'), Map.entry("reason", 'r'), Map.entry("account", 'a'),
            Map.entry("reqnodes", 'n'), Map.entry("excnodes", 'x'), Map.entry("feature", 'f'),
            Map.entry("tres-per-node", 'b'), Map.entry("reservation", 'v'), Map.entry("qos", 'q'));
    private static final int DEFAULT_WIDTH = 20;

    private SqueueFields() {
    }

    /**
     * @param spec the {@code -O} value, e.g. {@code JobID:10,Name,State:.12}
     * @return the same as an {@code -o} format
     * @throws CliException (exit 2) naming an unknown field or a bad width
     */
    static String asFormat(String spec) throws CliException {
        StringBuilder format = new StringBuilder();
        for (String item : spec.split(",")) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String name = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
            Character letter = NAMES.get(name);
            if (letter == null) {
                throw CliException.usage("--Format: field " + (colon < 0 ? trimmed : trimmed.substring(0, colon))
                        + " is not supported (supported: " + String.join(",", NAMES.keySet().stream().sorted().toList())
                        + ")");
            }
            String size = colon < 0 ? "" : trimmed.substring(colon + 1);
            boolean right = size.startsWith(".");
            String digits = right ? size.substring(1) : size;
            if (!digits.isEmpty() && !digits.matches("\\d{1,4}")) {
                throw CliException.usage("--Format: " + trimmed + ": the size after : is [.]WIDTH (JobID:10, State:.12)");
            }
            int width = colon >= 0 && digits.isEmpty() ? 0 : digits.isEmpty() ? DEFAULT_WIDTH : Integer.parseInt(digits);
            format.append('%').append(right ? "." : "").append(width == 0 ? "" : String.valueOf(width)).append(letter);
        }
        if (format.isEmpty()) {
            throw CliException.usage("--Format: no fields given (JobID,Name,State)");
        }
        return format.toString();
    }
}
