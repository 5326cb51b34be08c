package org.sss.queuemanager.internal.slurm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sss.queuemanager.internal.pbs.BadValueException;
import org.sss.queuemanager.internal.pbs.Walltime;

/**
 * Slurm's time limits ({@code -t}, {@code --time}): {@code M}, {@code M:S}, {@code H:M:S}, {@code D-H},
 * {@code D-H:M} and {@code D-H:M:S}, as sbatch reads them (a lone number is minutes); {@code UNLIMITED},
 * {@code INFINITE} and a limit of zero ({@code 0}, as Slurm documents it) mean no limit of the job's own (the queue's
 * maximum then applies). Fields after the first are not
 * bounded by 59 (sbatch accepts {@code 90:00}, 90 minutes). Stateless.
 */
public final class SlurmTime {
    private static final Pattern DAYS = Pattern.compile("(\\d{1,6})-(\\d{1,6})(?::(\\d{1,6}))?(?::(\\d{1,6}))?");
    private static final Pattern CLOCK = Pattern.compile("(\\d{1,9})(?::(\\d{1,6}))?(?::(\\d{1,6}))?");
    private static final String SHAPE = "expected M, M:S, H:M:S, D-H, D-H:M or D-H:M:S";

    private SlurmTime() {
    }

    /**
     * @param text the value as typed
     * @return seconds; 0 for {@code UNLIMITED}, {@code INFINITE} or zero
     * @throws BadValueException for any other shape, or a limit beyond the suite's maximum walltime
     */
    public static long parse(String text) throws BadValueException {
        if (text.equalsIgnoreCase("UNLIMITED") || text.equalsIgnoreCase("INFINITE")) {
            return 0;
        }
        long seconds;
        Matcher days = DAYS.matcher(text);
        Matcher clock = CLOCK.matcher(text);
        if (days.matches()) {
            seconds = Long.parseLong(days.group(1)) * 86_400 + Long.parseLong(days.group(2)) * 3600
                    + number(days.group(3)) * 60 + number(days.group(4));
        } else if (clock.matches()) {
            long first = Long.parseLong(clock.group(1));
            if (clock.group(3) != null) {
                seconds = first * 3600 + number(clock.group(2)) * 60 + number(clock.group(3));
            } else if (clock.group(2) != null) {
                seconds = first * 60 + number(clock.group(2));
            } else {
                seconds = first * 60;
            }
        } else {
            throw new BadValueException(SHAPE);
        }
        if (seconds > Walltime.MAX_SECONDS) {
            throw new BadValueException("time limit is too long (at most " + Walltime.MAX_SECONDS / 3600 + " hours)");
        }
        return seconds;
    }

    /**
     * @param seconds a duration
     * @return it as squeue shows times: {@code M:SS}, {@code H:MM:SS} or {@code D-HH:MM:SS}
     */
    public static String format(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return String.format("%d-%02d:%02d:%02d", d, h, m, s);
        }
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
