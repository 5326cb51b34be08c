package org.sss.lib.tool;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.Accounting;
import org.sss.schema.AccountingQuery;
import org.sss.schema.AccountingRecordType;

/**
 * {@code sssadmin accounting [--user U] [--since WHEN] [--until WHEN] [-n N] [--format table|csv|xml]}: every user's
 * accounting records from the queue manager (an administrator's key reads anyone's), oldest first. CSV has a header
 * line and RFC 4180 quoting; times are ISO-8601 UTC, durations seconds, memory bytes, so that a spreadsheet or a
 * billing script reads them without parsing.
 */
final class AdminAccounting {
    private static final List<String> CSV_COLUMNS = List.of("job", "user", "name", "queue", "account", "nodes",
            "node_count", "ppn", "submitted", "started", "ended", "exit_status", "walltime_used", "cpu_time",
            "max_memory", "reason");

    private AdminAccounting() {
    }

    static int run(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        AccountingQuery query = new AccountingQuery();
        String format = "table";
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size()) {
                throw new AdminUsageException("accounting: " + arg + (arg.startsWith("-") ? " needs a value"
                        : " is not an option (--user, --since, --until, -n, --format)"));
            }
            String value = args.get(++i);
            switch (arg) {
                case "--user", "-u" -> query.setUser(value);
                case "--since" -> query.setSince(when(arg, value, Instant.now()));
                case "--until" -> query.setUntil(when(arg, value, Instant.now()));
                case "-n", "--count" -> query.setLimit(count(value));
                case "--format" -> {
                    if (!List.of("table", "csv", "xml").contains(value)) {
                        throw new AdminUsageException("accounting: --format " + value + ": table, csv or xml");
                    }
                    format = value;
                }
                default -> throw new AdminUsageException("accounting: unknown option " + arg);
            }
        }
        Accounting reply = components.call("queue-manager", query, Accounting.class);
        switch (format) {
            case "xml" -> out.println(MessageCodec.messages().toText(reply));
            case "csv" -> {
                out.println(String.join(",", CSV_COLUMNS));
                for (AccountingRecordType record : reply.getRecord()) {
                    out.println(csv(record));
                }
            }
            default -> {
                out.printf("%-10s %-12s %-10s %-8s %-20s %-20s %6s %10s %10s %12s%n", "JOB", "USER", "QUEUE", "NODES",
                        "STARTED", "ENDED", "STATUS", "WALLTIME", "CPU", "MEMORY");
                for (AccountingRecordType record : reply.getRecord()) {
                    out.printf("%-10s %-12s %-10s %-8s %-20s %-20s %6s %10s %10s %12s%n", record.getId(),
                            record.getUser(), text(record.getQueue()), text(record.getNodes()),
                            text(time(record.getStarted())), text(time(record.getEnded())),
                            text(record.getExitStatus()), text(record.getWalltimeUsed()), text(record.getCpuTime()),
                            text(record.getMaxMemory()));
                }
            }
        }
        return SssadminMain.OK;
    }

    private static String csv(AccountingRecordType r) {
        List<Object> cells = List.of(r.getId(), r.getUser(), text(r.getName()), text(r.getQueue()),
                text(r.getAccount()), text(r.getAllocated()), text(r.getNodes()), text(r.getPpn()),
                text(time(r.getSubmitted())), text(time(r.getStarted())), text(time(r.getEnded())),
                text(r.getExitStatus()), text(r.getWalltimeUsed()), text(r.getCpuTime()), text(r.getMaxMemory()),
                text(r.getReason()));
        StringBuilder line = new StringBuilder();
        for (Object cell : cells) {
            if (!line.isEmpty()) {
                line.append(',');
            }
            String value = cell.toString();
            if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
                line.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                line.append(value);
            }
        }
        return line.toString();
    }

    private static String text(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value == null ? "" : value.toString();
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** A date (local midnight), a local or offset ISO date-time, or an age ({@code 7d}, {@code 12h}, {@code 30m}). */
    static Instant when(String option, String text, Instant now) {
        if (text.matches("\\d{1,6}[dhm]")) {
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            char unit = text.charAt(text.length() - 1);
            return now.minus(unit == 'd' ? Duration.ofDays(amount) : unit == 'h' ? Duration.ofHours(amount)
                    : Duration.ofMinutes(amount));
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneId.systemDefault()).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text.replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new AdminUsageException("accounting: " + option + " " + text
                    + ": not a date (2026-12-01), a time (2026-12-01T08:00) or an age (7d, 12h, 30m)");
        }
    }

    private static int count(String text) {
        try {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= 100_000) {
                return count;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new AdminUsageException("accounting: -n " + text + ": a count from 1 to 100000");
    }
}
