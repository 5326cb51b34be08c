package org.sss.queuemanager.internal.pbs;

/**
 * PBS durations ({@code -l walltime=}, {@code -l cput=}): {@code SS}, {@code MM:SS} or {@code HH:MM:SS}, digits only.
 * The leading unit is unbounded (so {@code 90} is 90 seconds and {@code 90:00} is 90 minutes); a unit after it must
 * be below 60. The whole duration is at most {@link #MAX_SECONDS}.
 */
public final class Walltime {
    /** The longest duration accepted: 100000 hours. */
    public static final long MAX_SECONDS = 100_000L * 3600;
    private static final String SHAPE = "expected SS, MM:SS or HH:MM:SS";

    private Walltime() {
    }

    /**
     * @param text the duration as typed
     * @return the duration in seconds, from 0 to {@link #MAX_SECONDS}
     * @throws BadValueException {@code must not be negative} for a leading minus, {@code expected SS, MM:SS or
     *     HH:MM:SS} for anything else that is not one to three colon-separated runs of digits, {@code minutes and
     *     seconds must be below 60}, or {@code must be at most 100000:00:00}
     */
    public static long parse(String text) throws BadValueException {
        if (text.startsWith("-")) {
            throw new BadValueException("must not be negative");
        }
        String[] parts = text.split(":", -1);
        if (parts.length > 3) {
            throw new BadValueException(SHAPE);
        }
        for (String part : parts) {
            if (part.isEmpty() || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadValueException(SHAPE);
            }
        }
        long total = 0;
        for (int i = 0; i < parts.length; i++) {
            long value = part(parts[i]);
            if (i > 0 && value >= 60) {
                throw new BadValueException("minutes and seconds must be below 60");
            }
            total = total * 60 + value;
            if (total > MAX_SECONDS) {
                throw tooLong();
            }
        }
        return total;
    }

    /**
     * @param seconds a duration, not negative
     * @return it as {@code HH:MM:SS}, hours at least two digits (e.g. {@code 01:30:00}, {@code 150:00:00})
     * @throws IllegalArgumentException if seconds is negative
     */
    public static String format(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("negative duration " + seconds);
        }
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static long part(String digits) throws BadValueException {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 12) {
            throw tooLong();
        }
        return Long.parseLong(significant);
    }

    private static BadValueException tooLong() {
        return new BadValueException("must be at most " + format(MAX_SECONDS));
    }
}
