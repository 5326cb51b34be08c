package org.sss.queuemanager.internal.slurm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm's compressed host lists ({@code SLURM_JOB_NODELIST}): names that differ only in a trailing number are
 * folded into one {@code prefix[ranges]} item, e.g. {@code node1 node2 node3 node5} gives {@code node[1-3,5]};
 * numbers keep their zero padding ({@code n01 n02} gives {@code n[01-02]}), and a number padded differently starts a
 * new range. Items are listed in the order their prefix first appears; a name without a trailing number stays as it
 * is. One name alone is never bracketed. Stateless.
 */
public final class HostList {
    private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)");

    private HostList() {
    }

    /**
     * @param hosts host names, each once, in the allocation's order
     * @return the compressed list, comma-separated; empty for no hosts
     */
    public static String compress(List<String> hosts) {
        Map<String, List<String>> byPrefix = new LinkedHashMap<>();
        for (String host : hosts) {
            Matcher m = NUMBERED.matcher(host);
            if (m.matches() && m.group(2).length() <= 9) {
                byPrefix.computeIfAbsent("#" + m.group(1), k -> new ArrayList<>()).add(m.group(2));
            } else {
                byPrefix.computeIfAbsent("=" + host, k -> new ArrayList<>());
            }
        }
        List<String> items = new ArrayList<>();
        byPrefix.forEach((key, numbers) -> {
            String prefix = key.substring(1);
            if (key.startsWith("=")) {
                items.add(prefix);
            } else if (numbers.size() == 1) {
                items.add(prefix + numbers.getFirst());
            } else {
                items.add(prefix + "[" + ranges(numbers) + "]");
            }
        });
        return String.join(",", items);
    }

    private static String ranges(List<String> numbers) {
        List<String> sorted = new ArrayList<>(numbers);
        sorted.sort(java.util.Comparator.<String>comparingLong(Long::parseLong).thenComparingInt(String::length));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            boolean continues = i < sorted.size()
                    && Long.parseLong(sorted.get(i)) == Long.parseLong(sorted.get(i - 1)) + 1
                    && sameWidth(sorted.get(i - 1), sorted.get(i));
            if (!continues) {
                out.add(start == i - 1 ? sorted.get(start) : sorted.get(start) + "-" + sorted.get(i - 1));
                start = i;
            }
        }
        return String.join(",", out);
    }

    /** Whether b can follow a in one range: same width when either is zero-padded (n09, n10 both two wide). */
    private static boolean sameWidth(String a, String b) {
        boolean padded = a.length() > 1 && a.startsWith("0") || b.length() > 1 && b.startsWith("0");
        return !padded || a.length() == b.length();
    }
}
