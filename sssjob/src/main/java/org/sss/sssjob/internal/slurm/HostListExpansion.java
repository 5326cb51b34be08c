package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sss.sssjob.internal.CliException;

/**
 * Slurm host list expressions expanded to names, as {@code scontrol show hostnames} prints them: items separated by
 * commas (or spaces) outside brackets, each a name with any number of bracketed range lists in it
 * ({@code node[1-3]}, {@code rack[1-2]n[01-02]-ib}), where a list is {@code N}, {@code N-M} or several of them
 * separated by commas, a range's numbers keeping the zero padding of its first ({@code n[01-03]} gives {@code n01 n02
 * n03}); the leftmost list varies slowest. The inverse of {@link HostList#compress}. Bounded: at most
 * {@value #MAX_HOSTS} names, so that a hostile expression cannot exhaust memory. Stateless.
 */
final class HostListExpansion {
    /** The most names one expression may give. */
    static final int MAX_HOSTS = 100_000;
    private static final Pattern FIRST_LIST = Pattern.compile("([^\\[\\]]*)\\[([0-9,\\-]+)\\](.*)");
    private static final Pattern PLAIN = Pattern.compile("[^\\[\\],\\s]+");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?");

    private HostListExpansion() {
    }

    /**
     * @param expression a host list, such as {@code node[1-3,5],login1}
     * @return its names, in order
     * @throws CliException (exit 2) for a malformed expression, or one of more than {@value #MAX_HOSTS} names
     */
    static List<String> expand(String expression) throws CliException {
        List<String> hosts = new ArrayList<>();
        for (String item : items(expression)) {
            expandItem(hosts, item, item, expression);
        }
        return hosts;
    }

    /** Adds the names of one item: its first bracketed list expanded, each name's remaining lists in turn. */
    private static void expandItem(List<String> hosts, String item, String whole, String expression)
            throws CliException {
        Matcher first = FIRST_LIST.matcher(item);
        if (first.matches()) {
            for (String range : first.group(2).split(",", -1)) {
                for (String name : range(first.group(1), range, expression)) {
                    expandItem(hosts, name + first.group(3), whole, expression);
                }
            }
        } else if (PLAIN.matcher(item).matches()) {
            add(hosts, item);
        } else {
            throw CliException.usage("invalid host list " + expression + ": bad item " + whole);
        }
    }

    /** The expression's items: split at the commas outside brackets. */
    private static List<String> items(String given) throws CliException {
        String expression = given.strip().replaceAll("\\s*,\\s*", ",").replaceAll("\\s+", " ");
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (depth < 0 || depth > 1) {
                throw CliException.usage("invalid host list " + expression + ": unbalanced brackets");
            }
            if ((c == ',' || c == ' ') && depth == 0) {
                items.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw CliException.usage("invalid host list " + expression + ": unbalanced brackets");
        }
        items.add(expression.substring(start));
        for (String item : items) {
            if (item.isEmpty()) {
                throw CliException.usage("invalid host list " + expression + ": empty item");
            }
        }
        return items;
    }

    /** @return the prefix followed by each number of one range, padded as the range's first number is */
    private static List<String> range(String prefix, String range, String expression) throws CliException {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
            throw CliException.usage("invalid host list " + expression + ": bad range " + range);
        }
        String first = m.group(1);
        long low = Long.parseLong(first);
        long high = m.group(2) == null ? low : Long.parseLong(m.group(2));
        if (high < low) {
            throw CliException.usage("invalid host list " + expression + ": range " + range + " is reversed");
        }
        if (high - low + 1 > MAX_HOSTS) {
            throw CliException.usage("invalid host list " + expression + ": more than " + MAX_HOSTS + " hosts");
        }
        List<String> names = new ArrayList<>((int) (high - low + 1));
        for (long n = low; n <= high; n++) {
            names.add(prefix + String.format("%0" + first.length() + "d", n));
        }
        return names;
    }

    private static void add(List<String> hosts, String host) throws CliException {
        if (hosts.size() >= MAX_HOSTS) {
            throw CliException.usage("invalid host list: more than " + MAX_HOSTS + " hosts");
        }
        hosts.add(host);
    }
}
