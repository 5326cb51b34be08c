package org.sss.sssjob.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sssjob history [--since WHEN] [--until WHEN] [-n COUNT] [--xml]}: the user's own accounting records — the
 * jobs that completed, kept after their history is pruned — one line each, oldest first: where and when each ran,
 * how it ended and the CPU time and peak memory its control groups measured.
 */
public final class HistoryCommand {
    private static final Pattern AGO = Pattern.compile("(\\d{1,6})([dhm])");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private HistoryCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the options
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        String socket = null;
        Instant since = null;
        Instant until = null;
        int count = 1000;
        boolean xml = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    invocation.out().print(Help.history());
                    return ExitStatus.OK;
                }
                case "--socket" -> socket = Args.value(args, ++i, arg);
                case "--since", "-S" -> since = when(arg, Args.value(args, ++i, arg), Instant.now());
                case "--until", "-E" -> until = when(arg, Args.value(args, ++i, arg), Instant.now());
                case "-n", "--count" -> count = count(arg, Args.value(args, ++i, arg));
                case "--xml" -> xml = true;
                default -> throw CliException.usage("unexpected " + arg + " (sssjob history --help)");
            }
        }
        byte[] request = Requests.accounting(since, until, count);
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            if (xml) {
                invocation.out().println(client.raw(request, "accounting"));
                return ExitStatus.OK;
            }
            Table table = new Table(List.of("JOB", "NAME", "QUEUE", "NODES", "STARTED", "ENDED", "STATUS", "WALLTIME",
                    "CPU", "MEMORY", "REASON"), 12, 16, 10, 30, 19, 19, 6, 10, 10, 9, 200);
            for (Map<String, String> record : client.call(request, "accounting")) {
                table.add(record.getOrDefault("id", ""), record.getOrDefault("name", ""),
                        record.getOrDefault("queue", ""), record.getOrDefault("allocated", "-"),
                        time(record.get("started")), time(record.get("ended")),
                        record.getOrDefault("exit-status", "-"), seconds(record.get("walltime-used")),
                        seconds(record.get("cpu-time")), bytes(record.get("max-memory")),
                        record.getOrDefault("reason", ""));
            }
            invocation.out().print(table.render());
        }
        return ExitStatus.OK;
    }

    /**
     * A time on the command line: an ISO date ({@code 2026-12-01}, that day's local midnight), a local or offset ISO
     * date-time, or how long ago ({@code 7d}, {@code 12h}, {@code 30m}).
     *
     * @param option the option it was given to, for the message
     * @param text   what was given
     * @param now    the time an age counts back from
     * @return the instant
     * @throws CliException (exit 2) naming the option when the text is none of these
     */
    public static Instant when(String option, String text, Instant now) throws CliException {
        Matcher ago = AGO.matcher(text);
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration unit = switch (ago.group(2)) {
                case "d" -> Duration.ofDays(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofMinutes(1);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        ZoneId zone = ZoneId.systemDefault();
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(zone).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw CliException.usage(option + " " + text + ": not a date (2026-12-01), a time (2026-12-01T08:00)"
                    + " or an age (7d, 12h, 30m)");
        }
    }

    private static int count(String option, String text) throws CliException {
        try {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= 100_000) {
                return count;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw CliException.usage(option + " " + text + ": a count from 1 to 100000");
    }

    private static String time(String iso) {
        if (iso == null) {
            return "-";
        }
        return SHOWN.format(OffsetDateTime.parse(iso).atZoneSameInstant(ZoneId.systemDefault()));
    }

    private static String seconds(String decimal) {
        return decimal == null ? "-" : Job.hms(Math.round(Double.parseDouble(decimal)));
    }

    static String bytes(String value) {
        if (value == null) {
            return "-";
        }
        double size = Long.parseLong(value);
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int unit = 0;
        while (size >= 1024 && unit < units.length - 1) {
            size /= 1024;
            unit++;
        }
        return unit == 0 ? (long) size + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", size, units[unit]);
    }
}
