package org.sss.mpd.internal;

/**
 * The wire form of a placement, each rank's index in the job's tree hosts (the {@code place=} line of a spec):
 * comma-separated runs {@code HOSTxCOUNT} (COUNT ranks on HOST) and {@code FIRST-LASTxCOUNT} (COUNT ranks on each of
 * FIRST, FIRST+1, ..., LAST). Decoding checks every number and bounds the total to ten million ranks. Stateless.
 */
final class PlacementRuns {
    private PlacementRuns() {
    }

    /**
     * Each rank's host index as runs: {@code HOSTxCOUNT} (COUNT ranks on HOST) and {@code FIRST-LASTxCOUNT} (COUNT
     * ranks on each of FIRST, FIRST+1, ..., LAST), so a job of one or k ranks per host over N hosts is one run,
     * not N.
     *
     * @param values each rank's host index
     * @return the runs, comma-separated
     */
    static String encode(int[] values) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < values.length) {
            int count = sameFrom(values, i);
            int first = values[i];
            int last = first;
            int next = i + count;
            while (next < values.length && values[next] == last + 1 && sameFrom(values, next) == count) {
                last++;
                next += count;
            }
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(first);
            if (last > first) {
                text.append('-').append(last);
            }
            text.append('x').append(count);
            i = next;
        }
        return text.toString();
    }

    private static int sameFrom(int[] values, int from) {
        int j = from;
        while (j < values.length && values[j] == values[from]) {
            j++;
        }
        return j - from;
    }

    /**
     * @param value runs as {@link #encode} writes them
     * @return each rank's host index
     * @throws MalformedMessageException if a run is malformed, a number out of range or the total above ten million
     */
    static int[] decode(String value) throws MalformedMessageException {
        int[] values = new int[16];
        int size = 0;
        int from = 0;
        while (from <= value.length()) {
            int comma = value.indexOf(',', from);
            int end = comma < 0 ? value.length() : comma;
            int x = value.indexOf('x', from);
            if (x <= from || x >= end) {
                throw new MalformedMessageException("bad placement run");
            }
            int dash = value.indexOf('-', from);
            boolean range = dash > from && dash < x;
            int first = (int) number(value, from, range ? dash : x, 0, 1_000_000);
            int last = range ? (int) number(value, dash + 1, x, first + 1L, 1_000_000) : first;
            int times = (int) number(value, x + 1, end, 1, JobSpec.MAX_RANKS);
            long adding = (long) (last - first + 1) * times;
            if (size + adding > JobSpec.MAX_RANKS) {
                throw new MalformedMessageException("placement too large");
            }
            if (size + adding > values.length) {
                values = java.util.Arrays.copyOf(values, (int) Math.max(size + adding, values.length * 2L));
            }
            for (int host = first; host <= last; host++) {
                java.util.Arrays.fill(values, size, size + times, host);
                size += times;
            }
            from = end + 1;
        }
        return java.util.Arrays.copyOf(values, size);
    }

    /** A decimal number in {@code text[from, to)} without a copy: digits only, at most 18 of them. */
    private static long number(String text, int from, int to, long min, long max) throws MalformedMessageException {
        if (to <= from || to - from > 18) {
            throw new MalformedMessageException("not a number: " + text.substring(from, Math.max(from, to)));
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedMessageException("not a number: " + text.substring(from, to));
            }
            n = n * 10 + (c - '0');
        }
        if (n < min || n > max) {
            throw new MalformedMessageException("number out of range: " + text.substring(from, to));
        }
        return n;
    }

}
