package org.sss.queuemanager.internal.pbs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job array request ({@code -t}): comma-separated items, each an index {@code N}, a range {@code N-M} or a stepped
 * range {@code N-M:S}, optionally followed by {@code %L}, the most sub-jobs that may run at once. For example
 * {@code 1-5}, {@code 1,3,7}, {@code 0-10:2} or {@code 1-100%10}.
 *
 * @param text       the request as typed
 * @param indices    the distinct indices it names, ascending, 1 to {@link #MAX_INDICES} of them, each 0 or more
 * @param maxRunning the {@code %L} limit, at least 1, if given
 */
public record ArraySpec(String text, List<Integer> indices, Optional<Integer> maxRunning) {
    /** The most indices one array may have. */
    public static final int MAX_INDICES = 10_000;
    private static final Pattern ITEM = Pattern.compile("(\\d+)(?:-(\\d+)(?::(\\d+))?)?");
    private static final Pattern LIMIT = Pattern.compile("\\d+");
    private static final String SHAPE =
            "expected N, N-M or N-M:STEP, separated by commas, optionally followed by %LIMIT";

    /** Copies the index list. */
    public ArraySpec {
        Objects.requireNonNull(text, "text");
        indices = List.copyOf(indices);
        Objects.requireNonNull(maxRunning, "maxRunning");
    }

    /**
     * @param text the {@code -t} value
     * @return the request, its indices expanded
     * @throws BadValueException {@code the index list is empty}, {@code empty item in the index list},
     *     {@code indices must not be negative}, {@code range 5-1 is reversed}, {@code step must be at least 1},
     *     {@code index 99999999999 is too large}, {@code the limit after % must be at least 1},
     *     {@code the limit after % is too large},
     *     {@code more than 10000 indices}, or the expected shape for anything else
     */
    public static ArraySpec parse(String text) throws BadValueException {
        String list = text;
        Optional<Integer> maxRunning = Optional.empty();
        int percent = text.indexOf('%');
        if (percent >= 0) {
            list = text.substring(0, percent);
            maxRunning = Optional.of(limit(text.substring(percent + 1)));
        }
        if (list.isEmpty()) {
            throw new BadValueException("the index list is empty");
        }
        TreeSet<Integer> indices = new TreeSet<>();
        for (String item : list.split(",", -1)) {
            addItem(item, indices);
        }
        return new ArraySpec(text, List.copyOf(indices), maxRunning);
    }

    private static void addItem(String item, TreeSet<Integer> indices) throws BadValueException {
        if (item.isEmpty()) {
            throw new BadValueException("empty item in the index list");
        }
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
            if (item.startsWith("-") || item.contains("--")) {
                throw new BadValueException("indices must not be negative");
            }
            throw new BadValueException(SHAPE);
        }
        int first = index(m.group(1));
        int last = m.group(2) == null ? first : index(m.group(2));
        int step = m.group(3) == null ? 1 : index(m.group(3));
        if (last < first) {
            throw new BadValueException("range " + first + "-" + last + " is reversed");
        }
        if (step < 1) {
            throw new BadValueException("step must be at least 1");
        }
        if ((last - (long) first) / step + 1 > MAX_INDICES) {
            throw tooMany();
        }
        for (long i = first; i <= last; i += step) {
            indices.add((int) i);
        }
        if (indices.size() > MAX_INDICES) {
            throw tooMany();
        }
    }

    private static int index(String digits) throws BadValueException {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 10 || Long.parseLong(significant) > Integer.MAX_VALUE) {
            throw new BadValueException("index " + digits + " is too large");
        }
        return Integer.parseInt(significant);
    }

    private static int limit(String digits) throws BadValueException {
        if (!LIMIT.matcher(digits).matches()) {
            throw new BadValueException(SHAPE);
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 9) {
            throw new BadValueException("the limit after % is too large");
        }
        int limit = Integer.parseInt(significant);
        if (limit < 1) {
            throw new BadValueException("the limit after % must be at least 1");
        }
        return limit;
    }

    private static BadValueException tooMany() {
        return new BadValueException("more than " + MAX_INDICES + " indices");
    }
}
