package org.sss.mpd.internal;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A job's tree hosts on the wire, compressed as cluster host lists are: a run of three or more hosts that differ
 * only in a decimal number at the end, counting up by one (node8, node9, node10; or zero-padded, node098, node099,
 * node100, where every number keeps the first one's width), is one {@code trees=PREFIX[FIRST-LAST]} line; every
 * other host is a {@code tree=NAME} line, in order. A spec of a job over 1,024 consecutively named hosts is then
 * one line, not 1,024, for every host of the job to read. Decoding bounds the tree to {@value #MAX_HOSTS} hosts,
 * so a short line cannot make an mpd allocate without bound. Stateless.
 */
final class HostRuns {
    /** The most hosts a tree may have (a thousand times the largest ring measured). */
    static final int MAX_HOSTS = 1_000_000;
    /** The most characters of host names a job's tree may have in all (runs expand a short line into many names). */
    static final long MAX_TREE_CHARS = 8L << 20;
    private static final int SHORTEST_RUN = 3;

    private HostRuns() {
    }

    /**
     * @param hosts the hosts, in order
     * @param line  takes each line's key ({@code tree} or {@code trees}) and value
     */
    static void encode(List<String> hosts, BiConsumer<String, String> line) {
        int i = 0;
        while (i < hosts.size()) {
            int end = runEnd(hosts, i);
            if (end - i >= SHORTEST_RUN) {
                String first = hosts.get(i);
                int digits = digitsAt(first);
                String prefix = first.substring(0, first.length() - digits);
                String last = hosts.get(end - 1);
                line.accept("trees", prefix + "[" + first.substring(prefix.length()) + "-"
                        + last.substring(prefix.length()) + "]");
                i = end;
            } else {
                line.accept("tree", hosts.get(i));
                i++;
            }
        }
    }

    /** @return the end (exclusive) of the longest run that starts at {@code from} (from + 1 if none) */
    private static int runEnd(List<String> hosts, int from) {
        String first = hosts.get(from);
        int digits = digitsAt(first);
        if (digits == 0 || digits > 9 || first.indexOf('[') >= 0 || first.indexOf(']') >= 0) {
            return from + 1;
        }
        String prefix = first.substring(0, first.length() - digits);
        long number = Long.parseLong(first.substring(prefix.length()));
        int end = from + 1;
        while (end < hosts.size()) {
            String next = hosts.get(end);
            String expected = prefix + pad(number + 1, digits, first.charAt(prefix.length()) == '0');
            if (!next.equals(expected)) {
                break;
            }
            number++;
            end++;
        }
        return end;
    }

    /** The number's text: zero-padded to the first's width when the first had leading zeros; else plain. */
    private static String pad(long number, int width, boolean padded) {
        String text = Long.toString(number);
        if (!padded || text.length() >= width) {
            return text;
        }
        return "0".repeat(width - text.length()) + text;
    }

    private static int digitsAt(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1)) && name.charAt(i - 1) < 0x80) {
            i--;
        }
        return name.length() - i;
    }

    /**
     * @param value a {@code trees=} value, {@code PREFIX[FIRST-LAST]}
     * @param into  where the hosts are added, in order
     * @param charsLeft how many characters of names the tree may still take
     * @return the characters of the names added
     * @throws MalformedMessageException if it is not such a run, or would make the tree larger than the limits
     */
    static long expand(String value, List<String> into, long charsLeft) throws MalformedMessageException {
        int open = value.lastIndexOf('[');
        int dash = value.indexOf('-', open + 1);
        if (open < 0 || !value.endsWith("]") || dash < 0) {
            throw new MalformedMessageException("trees= must be PREFIX[FIRST-LAST]");
        }
        String prefix = value.substring(0, open);
        String first = value.substring(open + 1, dash);
        String last = value.substring(dash + 1, value.length() - 1);
        if (!decimal(first) || !decimal(last) || first.length() > 9 || last.length() > 9) {
            throw new MalformedMessageException("trees= must be PREFIX[FIRST-LAST] with decimal numbers");
        }
        long from = Long.parseLong(first);
        long to = Long.parseLong(last);
        long chars = (to - from + 1) * (prefix.length() + (long) last.length());
        if (to <= from || into.size() + (to - from + 1) > MAX_HOSTS || chars > charsLeft) {
            throw new MalformedMessageException("trees= run out of range: " + abbreviated(value));
        }
        boolean padded = first.length() > 1 && first.charAt(0) == '0';
        for (long n = from; n <= to; n++) {
            into.add(prefix + pad(n, first.length(), padded));
        }
        return chars;
    }

    private static String abbreviated(String value) {
        return value.length() <= 80 ? value : value.substring(0, 40) + "…" + value.substring(value.length() - 30);
    }

    private static boolean decimal(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
