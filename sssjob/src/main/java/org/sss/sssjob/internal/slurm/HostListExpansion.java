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
 * n03}); the leftmost list varies slowest. The inverse of {@link HostList#compress}. Bounded, so that a hostile
 * expression costs neither memory nor time: at most {@value #MAX_HOSTS} names in all (counted before any is made),
 * {@value #MAX_LISTS} lists in an item and {@value #MAX_ITEM} characters in an item. Stateless.
 */
public final class HostListExpansion {
    /** The most names one expression may give. */
    static final int MAX_HOSTS = 100_000;
    /** The most bracketed lists in one item. */
    static final int MAX_LISTS = 8;
    /** The longest item, in characters. */
    static final int MAX_ITEM = 1024;
    private static final Pattern LIST = Pattern.compile("\\[([0-9,\\-]+)\\]");
    private static final Pattern LITERAL = Pattern.compile("[^\\[\\],\\s]*");
    /** A node's name, as the queue manager takes it; all digits would read as a count in qsub's nodes=. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?");

    /** One range of a list: its bounds and the width its numbers are padded to. */
    private record Range(long low, long high, int width) {
        long size() {
            return high - low + 1;
        }
    }

    /** One item taken apart: the literal texts around its lists (one more than the lists) and the lists. */
    private record Item(List<String> literals, List<List<Range>> lists) {
        /** @return how many names it gives, or more than {@code cap} (never overflowing) once past it */
        long count(long cap) {
            long product = 1;
            for (List<Range> list : lists) {
                long size = list.stream().mapToLong(Range::size).sum();
                product = product > cap / Math.max(1, size) ? cap + 1 : product * size;
            }
            return product;
        }
    }

    private HostListExpansion() {
    }

    /**
     * @param expression a host list, such as {@code node[1-3,5],login1}
     * @return its names, in order
     * @throws CliException (exit 2) for a malformed expression, or one past the bounds
     */
    static List<String> expand(String expression) throws CliException {
        List<Item> items = new ArrayList<>();
        long total = 0;
        for (String text : items(expression)) {
            Item item = parse(text, expression);
            total += item.count(MAX_HOSTS);
            if (total > MAX_HOSTS) {
                throw CliException.usage("invalid host list " + shown(expression) + ": more than " + MAX_HOSTS
                        + " hosts");
            }
            items.add(item);
        }
        List<String> hosts = new ArrayList<>((int) total);
        for (Item item : items) {
            names(item, hosts);
        }
        return hosts;
    }

    /**
     * @param option the option that gave it ({@code -w}), for messages
     * @param value  a host list naming nodes
     * @return the names, each once, in order
     * @throws CliException (exit 2) for a malformed list or a file's path (srun's other form, not read here)
     */
    public static List<String> nodeNames(String option, String value) throws CliException {
        if (value.contains("/")) {
            throw CliException.usage(option + " " + value + ": a file of node names is not read here; give the names "
                    + "(node[1-4],node7)");
        }
        List<String> names = expand(value).stream().distinct().toList();
        for (String name : names) {
            if (!NODE_NAME.matcher(name).matches() || name.chars().allMatch(Character::isDigit)) {
                throw CliException.usage(option + " " + shown(value) + ": " + shown(name) + " is not a node's name");
            }
        }
        return names;
    }

    /** Adds an item's names, the leftmost list varying slowest (an odometer over the lists' numbers). */
    private static void names(Item item, List<String> hosts) {
        int lists = item.lists().size();
        int[] range = new int[lists];
        long[] value = new long[lists];
        for (int i = 0; i < lists; i++) {
            value[i] = item.lists().get(i).getFirst().low();
        }
        while (true) {
            StringBuilder name = new StringBuilder(item.literals().getFirst());
            for (int i = 0; i < lists; i++) {
                Range r = item.lists().get(i).get(range[i]);
                name.append(String.format("%0" + r.width() + "d", value[i])).append(item.literals().get(i + 1));
            }
            hosts.add(name.toString());
            int i = lists - 1;
            while (i >= 0) {
                List<Range> list = item.lists().get(i);
                if (value[i] < list.get(range[i]).high()) {
                    value[i]++;
                    break;
                }
                if (range[i] + 1 < list.size()) {
                    range[i]++;
                    value[i] = list.get(range[i]).low();
                    break;
                }
                range[i] = 0;
                value[i] = list.getFirst().low();
                i--;
            }
            if (i < 0) {
                return;
            }
        }
    }

    private static Item parse(String text, String expression) throws CliException {
        if (text.length() > MAX_ITEM) {
            throw CliException.usage("invalid host list: an item longer than " + MAX_ITEM + " characters");
        }
        List<String> literals = new ArrayList<>();
        List<List<Range>> lists = new ArrayList<>();
        Matcher m = LIST.matcher(text);
        int at = 0;
        while (m.find()) {
            literals.add(literal(text.substring(at, m.start()), text, expression));
            if (lists.size() == MAX_LISTS) {
                throw CliException.usage("invalid host list " + shown(expression) + ": more than " + MAX_LISTS
                        + " bracketed lists in " + shown(text));
            }
            List<Range> list = new ArrayList<>();
            for (String range : m.group(1).split(",", -1)) {
                list.add(range(range, expression));
            }
            lists.add(list);
            at = m.end();
        }
        literals.add(literal(text.substring(at), text, expression));
        if (lists.isEmpty() && literals.getFirst().isEmpty()) {
            throw CliException.usage("invalid host list " + shown(expression) + ": empty item");
        }
        return new Item(literals, lists);
    }

    private static String literal(String text, String item, String expression) throws CliException {
        if (!LITERAL.matcher(text).matches()) {
            throw CliException.usage("invalid host list " + shown(expression) + ": bad item " + shown(item));
        }
        return text;
    }

    private static Range range(String text, String expression) throws CliException {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw CliException.usage("invalid host list " + shown(expression) + ": bad range " + text);
        }
        long low = Long.parseLong(m.group(1));
        long high = m.group(2) == null ? low : Long.parseLong(m.group(2));
        if (high < low) {
            throw CliException.usage("invalid host list " + shown(expression) + ": range " + text + " is reversed");
        }
        return new Range(low, high, m.group(1).length());
    }

    /** The expression's items: split at the commas and spaces outside brackets. */
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
                throw CliException.usage("invalid host list " + shown(expression) + ": unbalanced brackets");
            }
            if ((c == ',' || c == ' ') && depth == 0) {
                items.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw CliException.usage("invalid host list " + shown(expression) + ": unbalanced brackets");
        }
        items.add(expression.substring(start));
        for (String item : items) {
            if (item.isEmpty()) {
                throw CliException.usage("invalid host list " + shown(expression) + ": empty item");
            }
        }
        return items;
    }

    /** @return the text for a message, cut to 80 characters */
    private static String shown(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
