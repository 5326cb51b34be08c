package org.sss.sssjob.internal.slurm;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Job;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;

/**
 * {@code squeue}: the jobs the queue manager holds, as Slurm shows them, one line each (array elements as
 * {@code ID_INDEX}), in id order; by default the pending, running and completing ones. The queue manager shows a
 * user their own jobs only. Options: {@code -u/--user}, {@code -j/--jobs}, {@code -t/--states},
 * {@code -p/--partition}, {@code -n/--name}, {@code -q/--qos}, {@code -A/--account}, {@code -w/--nodelist} (each a
 * comma-separated list; the node list a host list, the jobs holding any of its nodes), {@code --me},
 * {@code -h/--noheader}, {@code -o/--format} ({@link SqueueFormat}), {@code -O/--Format} ({@link SqueueFields}),
 * {@code -l/--long} (Slurm's long format, after the time), {@code --start} (pending jobs with their expected start
 * times, earliest first); {@code -r/--array} and {@code -a/--all} are taken (every element has a line of its own; there
 * are no hidden partitions).
 */
public final class SqueueCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("user", 'u', true),
            new LongOptions.Spec("jobs", 'j', true),
            new LongOptions.Spec("states", 't', true),
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("noheader", 'h', false),
            new LongOptions.Spec("format", 'o', true),
            new LongOptions.Spec("Format", 'O', true),
            new LongOptions.Spec("name", 'n', true),
            new LongOptions.Spec("qos", 'q', true),
            new LongOptions.Spec("account", 'A', true),
            new LongOptions.Spec("nodelist", 'w', true),
            new LongOptions.Spec("long", 'l', false),
            new LongOptions.Spec("start", '\0', false),
            new LongOptions.Spec("array", 'r', false),
            new LongOptions.Spec("all", 'a', false),
            new LongOptions.Spec("me", '\0', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", '\0', false));
    private static final Set<String> UNFINISHED = Set.of("PENDING", "RUNNING", "COMPLETING");
    /** squeue -l's format. */
    static final String LONG = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";
    /** squeue --start's format. */
    static final String START = "%.18i %.9P %.8j %.8u %.2t %.19S %.6D %R";

    private SqueueCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @return the exit status
     * @throws CliException for bad arguments or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(OPTIONS, args, false);
        if (LongOptions.last(parsed, "help").isPresent()) {
            invocation.out().print(SlurmHelp.squeue());
            return ExitStatus.OK;
        }
        if (!parsed.operands().isEmpty()) {
            throw CliException.usage("unexpected argument " + parsed.operands().getFirst());
        }
        boolean start = LongOptions.last(parsed, "start").isPresent();
        boolean longForm = LongOptions.last(parsed, "long").isPresent();
        JobFilter filter = JobFilter.of(parsed, invocation, start ? Set.of("PENDING") : UNFINISHED);
        String longFields = LongOptions.last(parsed, "Format").orElse(null);
        if (LongOptions.last(parsed, "format").isPresent() && longFields != null
                || longForm && (LongOptions.last(parsed, "format").isPresent() || longFields != null)) {
            throw CliException.usage("give one of -o, -O and -l");
        }
        SqueueFormat format = SqueueFormat.parse(LongOptions.last(parsed, "format")
                .orElse(longFields != null ? SqueueFields.asFormat(longFields) : start ? START : longForm ? LONG
                        : SqueueFormat.DEFAULT));
        List<Job> jobs;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(LongOptions.last(parsed, "socket")
                .orElse(null), invocation.environment()))) {
            jobs = client.allJobs(after -> filter.unfinishedOnly()
                    ? Requests.jobQueryPageInStates(List.of("queued", "held", "running", "exiting"), null, after)
                    : Requests.jobQueryPage(List.of("*"), null, after));
        }
        Instant now = Instant.now();
        if (LongOptions.last(parsed, "noheader").isEmpty()) {
            if (longForm) {
                invocation.out().println(SlurmTimes.ctime(now));
            }
            invocation.out().println(format.header());
        }
        Comparator<Job> order = Comparator.comparingLong(SlurmJobs::sequence).thenComparingInt(SqueueCommand::index);
        if (start) {
            order = Comparator.comparing((Job job) -> job.time("expected-start").orElse(Instant.MAX)).thenComparing(order);
        }
        jobs.stream().filter(filter::matches).sorted(order).forEach(job -> invocation.out().println(format.line(job, now)));
        return ExitStatus.OK;
    }

    private static int index(Job job) {
        String index = job.get("array-index");
        return index.isEmpty() ? -1 : Integer.parseInt(index);
    }

    /** Which jobs -u, -j, -t, -p, -n, -q, -A, -w and --me choose (each left empty: any). */
    record JobFilter(List<String> users, List<String> ids, Set<String> states, List<String> partitions,
                     List<String> names, List<String> qos, List<String> accounts, Set<String> nodes) {
        static JobFilter of(LongOptions.Parsed parsed, Invocation invocation, Set<String> defaultStates)
                throws CliException {
            List<String> users = list(LongOptions.last(parsed, "user").orElse(""));
            if (LongOptions.last(parsed, "me").isPresent()) {
                users = List.of(invocation.environment().getOrDefault("USER", System.getProperty("user.name")));
            }
            List<String> ids = list(LongOptions.last(parsed, "jobs").orElse(""));
            for (String id : ids) {
                SlurmJobs.checkedSelector(id);
            }
            String statesText = LongOptions.last(parsed, "states").orElse(null);
            Set<String> states = statesText == null ? defaultStates : SlurmStates.parse(statesText);
            String nodelist = LongOptions.last(parsed, "nodelist").orElse("");
            return new JobFilter(users, ids, states, list(LongOptions.last(parsed, "partition").orElse("")),
                    list(LongOptions.last(parsed, "name").orElse("")), list(LongOptions.last(parsed, "qos").orElse("")),
                    list(LongOptions.last(parsed, "account").orElse("")), nodelist.isBlank() ? Set.of()
                    : Set.copyOf(HostListExpansion.nodeNames("--nodelist", nodelist)));
        }

        boolean unfinishedOnly() {
            return UNFINISHED.containsAll(states);
        }

        boolean matches(Job job) {
            return (users.isEmpty() || users.contains(job.get("user")))
                    && (ids.isEmpty() || ids.stream().anyMatch(id -> SlurmJobs.matchesId(job, id)))
                    && states.contains(SlurmJobs.state(job))
                    && (partitions.isEmpty() || partitions.contains(job.get("queue")))
                    && (names.isEmpty() || names.contains(job.get("name")))
                    && (qos.isEmpty() || qos.contains(job.get("qos")))
                    && (accounts.isEmpty() || accounts.contains(job.get("account")))
                    && (nodes.isEmpty() || job.words("allocated").stream().anyMatch(nodes::contains));
        }

        private static List<String> list(String text) {
            return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        }
    }
}
