package org.sss.queuemanager.internal.pbs;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time before which a job does not start, as qsub's {@code -a} and sbatch's {@code --begin} write it, read in
 * the queue manager's time zone. A time of day that has passed today means tomorrow (and likewise a day of the
 * month, a month of the year that have passed), as both commands take it. Stateless.
 */
public final class BeginTime {
    private static final Pattern PBS = Pattern.compile("(\\d{4}|\\d{6}|\\d{8}|\\d{10}|\\d{12})(?:\\.(\\d{2}))?");
    private static final Pattern NOW = Pattern.compile(
            "now(?:\\+(\\d{1,9})(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?)?");
    private static final Pattern TIME_OF_DAY = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*(am|pm)?");
    private static final Pattern US_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})(?:/(\\d{2}))?");
    private static final String SLURM_FORMS = "expected now[+N[seconds|minutes|hours|days|weeks]], HH:MM[:SS], "
            + "YYYY-MM-DD[THH:MM[:SS]], MM/DD[/YY], midnight, noon, teatime, today or tomorrow";

    private BeginTime() {
    }

    /**
     * @param value {@code -a}'s {@code [[[[CC]YY]MM]DD]hhmm[.SS]}
     * @param now   the time now, in the zone the value is read in
     * @return the instant
     * @throws BadValueException for another shape or a date that does not exist
     */
    public static Instant ofPbs(String value, ZonedDateTime now) throws BadValueException {
        Matcher m = PBS.matcher(value);
        if (!m.matches()) {
            throw new BadValueException("expected [[[[CC]YY]MM]DD]hhmm[.SS]");
        }
        String digits = m.group(1);
        int n = digits.length();
        int minute = Integer.parseInt(digits.substring(n - 2));
        int hour = Integer.parseInt(digits.substring(n - 4, n - 2));
        int second = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        try {
            LocalTime time = LocalTime.of(hour, minute, second);
            ZonedDateTime at;
            if (n == 4) {
                at = now.with(time);
                at = at.isBefore(now) ? at.plusDays(1) : at;
            } else if (n == 6) {
                at = now.withDayOfMonth(Integer.parseInt(digits.substring(0, 2))).with(time);
                at = at.isBefore(now) ? at.plusMonths(1) : at;
            } else if (n == 8) {
                at = now.withMonth(Integer.parseInt(digits.substring(0, 2)))
                        .withDayOfMonth(Integer.parseInt(digits.substring(2, 4))).with(time);
                at = at.isBefore(now) ? at.plusYears(1) : at;
            } else {
                int year = n == 10 ? 2000 + Integer.parseInt(digits.substring(0, 2))
                        : Integer.parseInt(digits.substring(0, 4));
                int rest = n - 8;
                at = now.withYear(year).withMonth(Integer.parseInt(digits.substring(rest, rest + 2)))
                        .withDayOfMonth(Integer.parseInt(digits.substring(rest + 2, rest + 4))).with(time);
            }
            return at.toInstant();
        } catch (DateTimeException e) {
            throw new BadValueException("no such time: " + e.getMessage());
        }
    }

    /**
     * @param value {@code --begin}'s value
     * @param now   the time now, in the zone the value is read in
     * @return the instant
     * @throws BadValueException for a form sbatch's {@code --begin} does not take, or a date that does not exist
     */
    public static Instant ofSlurm(String value, ZonedDateTime now) throws BadValueException {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.length() > 40) {
            throw new BadValueException(SLURM_FORMS);
        }
        try {
            Matcher m = NOW.matcher(text);
            if (m.matches()) {
                return m.group(1) == null ? now.toInstant() : now.toInstant().plus(unit(m.group(2))
                        .multipliedBy(Long.parseLong(m.group(1))));
            }
            switch (text) {
                case "midnight" -> {
                    return next(now, LocalTime.MIDNIGHT);
                }
                case "noon" -> {
                    return next(now, LocalTime.NOON);
                }
                case "fika" -> {
                    return next(now, LocalTime.of(15, 0));
                }
                case "teatime" -> {
                    return next(now, LocalTime.of(16, 0));
                }
                case "today" -> {
                    return now.toLocalDate().atStartOfDay(now.getZone()).toInstant();
                }
                case "tomorrow" -> {
                    return now.toLocalDate().plusDays(1).atStartOfDay(now.getZone()).toInstant();
                }
                default -> {
                    // one of the forms below
                }
            }
            m = TIME_OF_DAY.matcher(text);
            if (m.matches()) {
                int hour = Integer.parseInt(m.group(1));
                if (m.group(4) != null) {
                    if (hour < 1 || hour > 12) {
                        throw new BadValueException("no such time: hour " + hour + " with " + m.group(4));
                    }
                    hour = hour % 12 + (m.group(4).equals("pm") ? 12 : 0);
                }
                return next(now, LocalTime.of(hour, Integer.parseInt(m.group(2)),
                        m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
            }
            m = US_DATE.matcher(text);
            if (m.matches()) {
                int year = m.group(3) == null ? now.getYear() : 2000 + Integer.parseInt(m.group(3));
                LocalDate date = LocalDate.of(year, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                return date.atStartOfDay(now.getZone()).toInstant();
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(text).atStartOfDay(now.getZone()).toInstant();
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}t\\d{2}:\\d{2}(:\\d{2})?")) {
                return LocalDateTime.parse(text.toUpperCase(Locale.ROOT)).atZone(now.getZone()).toInstant();
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadValueException("no such time: " + e.getMessage());
        }
        throw new BadValueException(SLURM_FORMS);
    }

    /** @return the next time of day at {@code time}: today's if it is still to come, else tomorrow's */
    private static Instant next(ZonedDateTime now, LocalTime time) {
        ZonedDateTime at = now.with(time);
        return (at.isBefore(now) ? at.plusDays(1) : at).toInstant();
    }

    private static Duration unit(String unit) {
        if (unit == null || unit.startsWith("s")) {
            return Duration.ofSeconds(1);
        }
        return switch (unit.charAt(0)) {
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            case 'd' -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        };
    }
}
