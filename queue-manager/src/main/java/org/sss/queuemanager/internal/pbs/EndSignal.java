package org.sss.queuemanager.internal.pbs;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sss.mpd.client.UnixSignals;

/**
 * A signal a job asks for before its time limit ends, as sbatch's {@code --signal=[{R|B}:]SIG[@TIME]} gives it: so
 * that it can save its work before it is killed. Written (and stored, and sent) in Slurm's form, {@code USR1@60} or
 * {@code B:USR1@60}.
 *
 * @param signal        the signal's name without {@code SIG} ({@code USR1}), or its number when it has no name here
 * @param secondsBefore how long before the time limit it is sent, 0 to 65,535
 * @param shellOnly     {@code B:}: only the batch script's shell gets it; otherwise the shell and everything it
 *                      started
 */
public record EndSignal(String signal, int secondsBefore, boolean shellOnly) {
    /** Slurm's default time before the limit. */
    public static final int DEFAULT_SECONDS = 60;
    private static final Pattern FORM = Pattern.compile("(?:([RB]{1,2}):)?([A-Za-z0-9]{1,12})(?:@(\\d{1,5}))?");

    /** Checks the values. */
    public EndSignal {
        Objects.requireNonNull(signal, "signal");
        if (secondsBefore < 0 || secondsBefore > 65_535) {
            throw new IllegalArgumentException("seconds before the limit must be 0 to 65535, not " + secondsBefore);
        }
    }

    /**
     * @param value sbatch's {@code --signal} value: {@code [{R|B}:]SIG[@TIME]}, SIG a name ({@code USR1},
     *              {@code SIGUSR1}) or a number 1-64, TIME seconds (default {@value #DEFAULT_SECONDS}); {@code R:}
     *              (a reservation's start delay) changes nothing here
     * @return the signal
     * @throws BadValueException for any other form, an unknown signal, or a time above 65535
     */
    public static EndSignal ofSlurm(String value) throws BadValueException {
        Matcher m = FORM.matcher(value);
        if (!m.matches() || (m.group(1) != null && m.group(1).chars().distinct().count() != m.group(1).length())) {
            throw new BadValueException("expected [B:]SIGNAL[@SECONDS], e.g. B:USR1@120");
        }
        int number;
        try {
            number = UnixSignals.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new BadValueException("unknown signal " + m.group(2));
        }
        int seconds = m.group(3) == null ? DEFAULT_SECONDS : Integer.parseInt(m.group(3));
        if (seconds > 65_535) {
            throw new BadValueException("the time before the limit must be at most 65535 seconds");
        }
        return new EndSignal(UnixSignals.name(number), seconds, m.group(1) != null && m.group(1).contains("B"));
    }

    /**
     * @param stored the form {@link #toString} wrote, or null
     * @return the signal, or null for none (or a stored form this version cannot read)
     */
    public static EndSignal ofStored(String stored) {
        if (stored == null || stored.isBlank()) {
            return null;
        }
        try {
            return ofSlurm(stored);
        } catch (BadValueException e) {
            return null;
        }
    }

    /** @return Slurm's form, {@code USR1@60} or {@code B:USR1@60} */
    @Override
    public String toString() {
        return (shellOnly ? "B:" : "") + signal + "@" + secondsBefore;
    }
}
