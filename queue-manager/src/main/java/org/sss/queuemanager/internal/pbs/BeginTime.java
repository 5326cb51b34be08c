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
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
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
            LocalDate today = now.toLocalDate();
            if (n == 4) {
                return next(now, time);
            }
            int day = Integer.parseInt(digits.substring(n - 6, n - 4));
            if (n == 6) {
                // This month's day, else the next month's that has it (31 skips the months of 30 days).
                for (int months = 0; months <= 12; months++) {
                    java.time.YearMonth month = java.time.YearMonth.from(today).plusMonths(months);
                    if (month.isValidDay(day) && !at(month.atDay(day), time, now).isBefore(now.toInstant())) {
                        return at(month.atDay(day), time, now);
                    }
                }
                throw new BadValueException("no such time: no month has a day " + day);
            }
            int month = Integer.parseInt(digits.substring(n - 8, n - 6));
            if (n == 8) {
                // This year's date, else the next year's that has it (29 February waits for a leap year).
                for (int years = 0; years <= 8; years++) {
                    int year = today.getYear() + years;
                    if (java.time.MonthDay.of(month, day).isValidYear(year)
                            && !at(LocalDate.of(year, month, day), time, now).isBefore(now.toInstant())) {
                        return at(LocalDate.of(year, month, day), time, now);
                    }
                }
                throw new BadValueException("no such time: " + month + "/" + day);
            }
            int year = n == 10 ? 2000 + Integer.parseInt(digits.substring(0, 2)) : Integer.parseInt(digits.substring(0, 4));
            return at(LocalDate.of(year, month, day), time, now);
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
                return m.group(1) == null ? now.toInstant() : bounded(now.toInstant().plus(unit(m.group(2))
                        .multipliedBy(Long.parseLong(m.group(1)))));
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
                int month = Integer.parseInt(m.group(1));
                int day = Integer.parseInt(m.group(2));
                if (m.group(3) != null) {
                    return at(LocalDate.of(2000 + Integer.parseInt(m.group(3)), month, day), LocalTime.MIDNIGHT, now);
                }
                LocalDate date = LocalDate.of(now.getYear(), month, day);
                return at(date.isBefore(now.toLocalDate()) ? date.plusYears(1) : date, LocalTime.MIDNIGHT, now);
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return at(LocalDate.parse(text), LocalTime.MIDNIGHT, now);
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}t\\d{2}:\\d{2}(:\\d{2})?")) {
                LocalDateTime at = LocalDateTime.parse(text.toUpperCase(Locale.ROOT));
                return at(at.toLocalDate(), at.toLocalTime(), now);
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw new BadValueException("no such time: " + e.getMessage());
        }
        throw new BadValueException(SLURM_FORMS);
    }

    /** @return the next time of day at {@code time}: today's if it is still to come, else tomorrow's */
    private static Instant next(ZonedDateTime now, LocalTime time) throws BadValueException {
        Instant today = at(now.toLocalDate(), time, now);
        return today.isBefore(now.toInstant()) ? at(now.toLocalDate().plusDays(1), time, now) : today;
    }

    /**
     * @return that date and time in now's zone (a time a clock change skips is the first after it), within years
     *         1970 to 9999, which a message's {@code dateTime} can carry
     */
    private static Instant at(LocalDate date, LocalTime time, ZonedDateTime now) throws BadValueException {
        return bounded(date.atTime(time).atZone(now.getZone()).toInstant());
    }

    private static Instant bounded(Instant instant) throws BadValueException {
        if (instant.isAfter(LATEST) || instant.isBefore(Instant.EPOCH)) {
            throw new BadValueException("no such time: " + instant + " is not between 1970 and 9999");
        }
        return instant;
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
