package org.sss.sssjob.internal.slurm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Job;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;

/**
 * {@code sacct}: jobs as Slurm's accounting shows them: the completed ones from the queue manager's accounting records
 * (kept after the jobs leave the queue) that ended within the window, and the ones still queued or running. The
 * window is {@code -S/--starttime} (default today's midnight, or all time when {@code -j} names jobs) to
 * {@code -E/--endtime} (default now). A user sees their own jobs, an administrator everyone's ({@code -u} narrows).
 * Columns by {@code -o/--format} ({@link SacctFields}), {@code -b/--brief}; {@code -n/--noheader},
 * {@code -p/--parsable} and {@code -P/--parsable2} as sacct; {@code -s/--state} filters; {@code -X/--allocations} is
 * taken (a job here has no steps of its own to list).
 */
public final class SacctCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("jobs", 'j', true),
            new LongOptions.Spec("user", 'u', true),
            new LongOptions.Spec("allusers", 'a', false),
            new LongOptions.Spec("starttime", 'S', true),
            new LongOptions.Spec("endtime", 'E', true),
            new LongOptions.Spec("format", 'o', true),
            new LongOptions.Spec("brief", 'b', false),
            new LongOptions.Spec("state", 's', true),
            new LongOptions.Spec("noheader", 'n', false),
            new LongOptions.Spec("parsable", 'p', false),
            new LongOptions.Spec("parsable2", 'P', false),
            new LongOptions.Spec("allocations", 'X', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", 'h', false));
    private static final Pattern NOW_MINUS =
            Pattern.compile("now(?:-(\\d{1,6})(weeks?|days?|hours?|minutes?|seconds?)?)?");
    private static final int MOST_RECORDS = 100_000;

    private SacctCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(OPTIONS, args, false);
        if (LongOptions.last(parsed, "help").isPresent()) {
            invocation.out().print(SlurmHelp.sacct());
            return ExitStatus.OK;
        }
        if (!parsed.operands().isEmpty()) {
            throw CliException.usage("unexpected " + parsed.operands().getFirst() + " (job ids go with -j)");
        }
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (String id : LongOptions.last(parsed, "jobs").map(list -> list.split(",")).orElse(new String[0])) {
            ids.add(SlurmJobs.checkedId(id));
        }
        Instant since = LongOptions.last(parsed, "starttime").isPresent()
                ? when("--starttime", LongOptions.last(parsed, "starttime").get(), now)
                : ids.isEmpty() ? LocalDate.now().atStartOfDay(ZoneId.systemDefault()).toInstant() : null;
        Instant until = LongOptions.last(parsed, "endtime").isPresent()
                ? when("--endtime", LongOptions.last(parsed, "endtime").get(), now) : null;
        Set<String> states = LongOptions.last(parsed, "state").isPresent()
                ? SlurmStates.parse(LongOptions.last(parsed, "state").get()) : null;
        List<String> users = LongOptions.last(parsed, "user").map(list -> List.of(list.split(","))).orElse(null);
        List<SacctFields.Column> columns = SacctFields.columns(LongOptions.last(parsed, "format")
                .orElse(LongOptions.last(parsed, "brief").isPresent() ? SacctFields.BRIEF : SacctFields.DEFAULT));
        boolean parsable2 = LongOptions.last(parsed, "parsable2").isPresent();
        String separator = parsable2 || LongOptions.last(parsed, "parsable").isPresent() ? "|" : null;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(LongOptions.last(parsed, "socket")
                .orElse(null), invocation.environment()))) {
            // The queue first, then the records: a job that ends between the two reads is in both, and its record
            // wins; read the other way round it would be in neither.
            Map<String, Job> byId = new HashMap<>();
            if (until == null || !until.isBefore(now)) {
                client.allJobs(after -> Requests.jobQueryPageInStates(List.of("queued", "held", "running", "exiting"),
                        null, after)).forEach(job -> byId.put(job.id(), job));
            }
            // With -j, each job's own records (however old); else the window's most recent.
            List<String> asked = new ArrayList<>();
            for (String id : ids) {
                asked.addAll(id.contains("_") ? List.of(id.replace("_", "[") + "]") : List.of(id, id + "[]"));
            }
            for (String job : ids.isEmpty() ? java.util.Collections.<String>singletonList(null) : asked) {
                for (Map<String, String> record : client.call(Requests.accounting(job, since, until, MOST_RECORDS),
                        "accounting")) {
                    Job completed = completed(record);
                    byId.put(completed.id(), completed);
                }
            }
            List<Job> jobs = new ArrayList<>(byId.values());
            jobs.sort(Comparator.comparingLong(SlurmJobs::sequence).thenComparingInt(
                    job -> job.get("array-index").isEmpty() ? -1 : Integer.parseInt(job.get("array-index"))));
            StringBuilder out = new StringBuilder();
            if (LongOptions.last(parsed, "noheader").isEmpty()) {
                out.append(separator == null ? SacctFields.header(columns) : String.join(separator, columns.stream()
                        .map(column -> column.field().name()).toList()) + (parsable2 ? "" : separator) + "\n");
            }
            for (Job job : jobs) {
                if ((ids.isEmpty() || ids.stream().anyMatch(id -> SlurmJobs.matchesId(job, id)))
                        && (users == null || users.contains(job.get("user")))
                        && (states == null || states.contains(SlurmJobs.state(job)))) {
                    out.append(SacctFields.line(columns, job, now, separator, !parsable2)).append('\n');
                }
            }
            invocation.out().print(out);
        }
        return ExitStatus.OK;
    }

    /** A completed job's accounting record as a job: completed, its array index read from its id ({@code 17[3]}). */
    private static Job completed(Map<String, String> record) {
        Map<String, String> attributes = new HashMap<>(record);
        attributes.put("state", "completed");
        String id = record.getOrDefault("id", "");
        int bracket = id.indexOf('[');
        if (bracket > 0 && id.endsWith("]")) {
            attributes.put("array-index", id.substring(bracket + 1, id.length() - 1));
        }
        return new Job(attributes);
    }

    /**
     * @return a time as sacct takes it: {@code now}, {@code now-7days} (also weeks, hours, minutes, seconds),
     *         {@code today} and {@code midnight} (today at 00:00), or what
     *         {@code sssjob history} takes (a date, a date and time, an age such as {@code 12h})
     */
    private static Instant when(String option, String text, Instant now) throws CliException {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("today") || lower.equals("midnight")) {
            return LocalDate.now().atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        Matcher m = NOW_MINUS.matcher(lower);
        if (m.matches()) {
            if (m.group(1) == null) {
                return now;
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "seconds" : m.group(2);
            Duration step = unit.startsWith("week") ? Duration.ofDays(7) : unit.startsWith("day") ? Duration.ofDays(1)
                    : unit.startsWith("hour") ? Duration.ofHours(1)
                    : unit.startsWith("minute") ? Duration.ofMinutes(1) : Duration.ofSeconds(1);
            return now.minus(step.multipliedBy(amount));
        }
        return org.sss.sssjob.internal.HistoryCommand.when(option, text, now);
    }
}
