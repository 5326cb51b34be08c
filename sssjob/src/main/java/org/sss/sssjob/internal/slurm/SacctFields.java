package org.sss.sssjob.internal.slurm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/**
 * sacct's columns: the fields {@code --format} may name (any case, each optionally {@code %WIDTH}), how each is read
 * from a job (a completed job's accounting record or a job still in the queue, both as a {@link Job}), its default
 * width, and the table or parsable lines made of them. Stateless.
 */
final class SacctFields {
    /** sacct's default columns. */
    static final String DEFAULT = "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode";
    /** {@code --brief}'s columns. */
    static final String BRIEF = "JobID,State,ExitCode";

    /** One column: its name as sacct spells it, its default width, and its value for a job at a time. */
    record Field(String name, int width, BiFunction<Job, Instant, String> value) {
    }

    /** A column as asked for: the field and the width to print it in. */
    record Column(Field field, int width) {
    }

    private static final Map<String, Field> FIELDS = fields();

    private SacctFields() {
    }

    private static Map<String, Field> fields() {
        List<Field> all = List.of(
                new Field("JobID", 12, (job, now) -> SlurmJobs.id(job)),
                new Field("JobIDRaw", 12, (job, now) -> SlurmJobs.id(job)),
                new Field("JobName", 10, (job, now) -> job.get("name")),
                new Field("Partition", 10, (job, now) -> job.get("queue")),
                new Field("Account", 10, (job, now) -> job.get("account")),
                new Field("QOS", 10, (job, now) -> job.get("qos")),
                new Field("User", 9, (job, now) -> job.get("user")),
                new Field("AllocCPUS", 10, (job, now) -> String.valueOf(allocatedCpus(job))),
                new Field("NCPUS", 10, (job, now) -> String.valueOf(allocatedCpus(job))),
                new Field("ReqCPUS", 8, (job, now) -> String.valueOf(number(job, "nodes") * number(job, "ppn"))),
                new Field("AllocNodes", 10, (job, now) -> job.get("allocated").isBlank() ? "0" : job.get("nodes")),
                new Field("ReqNodes", 8, (job, now) -> job.get("nodes")),
                new Field("NNodes", 8, (job, now) -> job.get("nodes")),
                new Field("NodeList", 15, (job, now) -> job.get("allocated").isBlank() ? "None assigned"
                        : SlurmJobs.nodeList(job)),
                new Field("State", 10, (job, now) -> SlurmJobs.state(job)),
                new Field("ExitCode", 8, (job, now) -> (job.exitStatus().isPresent() ? job.exitStatus().getAsInt()
                        : 0) + ":0"),
                new Field("Submit", 19, (job, now) -> SlurmJobs.time(job, "submitted")),
                new Field("Start", 19, (job, now) -> job.get("started").isEmpty() ? "Unknown"
                        : SlurmJobs.time(job, "started")),
                new Field("End", 19, (job, now) -> job.get("ended").isEmpty() ? "Unknown"
                        : SlurmJobs.time(job, "ended")),
                new Field("Elapsed", 10, (job, now) -> Job.hms(job.elapsed(now).orElse(Duration.ZERO).toSeconds())),
                new Field("ElapsedRaw", 10, (job, now) -> String.valueOf(job.elapsed(now).orElse(Duration.ZERO)
                        .toSeconds())),
                new Field("CPUTime", 10, (job, now) -> Job.hms(job.elapsed(now).orElse(Duration.ZERO).toSeconds()
                        * allocatedCpus(job))),
                new Field("Timelimit", 10, (job, now) -> number(job, "walltime") == 0 ? "UNLIMITED"
                        : Job.hms(number(job, "walltime"))),
                new Field("TotalCPU", 10, (job, now) -> job.get("cpu-time").isEmpty() ? ""
                        : Job.hms(Math.round(Double.parseDouble(job.get("cpu-time"))))),
                new Field("MaxRSS", 10, (job, now) -> job.get("max-memory").isEmpty() ? ""
                        : (Long.parseLong(job.get("max-memory")) + 1023) / 1024 + "K"),
                new Field("Reason", 20, (job, now) -> job.get("reason").isEmpty() ? "None" : job.get("reason")));
        Map<String, Field> byName = new java.util.LinkedHashMap<>();
        all.forEach(field -> byName.put(field.name().toLowerCase(Locale.ROOT), field));
        return byName;
    }

    /**
     * @param format comma-separated field names, each optionally {@code %WIDTH}
     * @return the columns
     * @throws CliException (exit 2) naming a field sacct cannot show here, or a bad width
     */
    static List<Column> columns(String format) throws CliException {
        List<Column> columns = new ArrayList<>();
        for (String item : format.split(",")) {
            String name = item.strip();
            if (name.isEmpty()) {
                continue;
            }
            int percent = name.indexOf('%');
            String width = percent < 0 ? null : name.substring(percent + 1);
            Field field = FIELDS.get((percent < 0 ? name : name.substring(0, percent)).toLowerCase(Locale.ROOT));
            if (field == null) {
                throw CliException.usage("Invalid field requested: \"" + name + "\" (fields: "
                        + String.join(",", FIELDS.values().stream().map(Field::name).toList()) + ")");
            }
            if (width != null && !width.matches("-?[1-9]\\d{0,2}")) {
                throw CliException.usage("bad width in " + name + " (FIELD%WIDTH, e.g. JobName%30)");
            }
            columns.add(new Column(field, width == null ? field.width() : Math.abs(Integer.parseInt(width))));
        }
        if (columns.isEmpty()) {
            throw CliException.usage("--format names no field");
        }
        return columns;
    }

    /** @return the header and rule lines of a table of these columns */
    static String header(List<Column> columns) {
        StringBuilder names = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (Column column : columns) {
            names.append(cell(column, column.field().name())).append(' ');
            rule.append("-".repeat(column.width())).append(' ');
        }
        return names + "\n" + rule + "\n";
    }

    /**
     * @param separator null for a table; "|" for {@code --parsable} or {@code --parsable2}
     * @param trailing  whether a parsable line ends with the separator too ({@code --parsable})
     * @return one job's line
     */
    static String line(List<Column> columns, Job job, Instant now, String separator, boolean trailing) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            String value = column.field().value().apply(job, now);
            if (separator == null) {
                line.append(cell(column, value)).append(' ');
            } else {
                line.append(value).append(i < columns.size() - 1 || trailing ? separator : "");
            }
        }
        return line.toString();
    }

    /** A table cell: the job id and name left-aligned, the rest right-aligned, cut to the width with a "+". */
    private static String cell(Column column, String value) {
        int width = column.width();
        String shown = value.length() > width ? value.substring(0, Math.max(0, width - 1)) + "+" : value;
        boolean left = column.field().name().startsWith("JobID") || column.field().name().equals("JobName");
        return left ? String.format("%-" + width + "s", shown) : String.format("%" + width + "s", shown);
    }

    /** @return the slots a job holds (or held): its nodes × ppn once allocated, 0 before */
    private static long allocatedCpus(Job job) {
        return job.get("allocated").isBlank() ? 0 : number(job, "nodes") * number(job, "ppn");
    }

    private static long number(Job job, String name) {
        String value = job.get(name);
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }
}
