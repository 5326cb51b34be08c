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
 * {@code -p/--partition} (each a comma-separated list), {@code --me}, {@code -h/--noheader}, {@code -o/--format}
 * ({@link SqueueFormat}).
 */
public final class SqueueCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("user", 'u', true),
            new LongOptions.Spec("jobs", 'j', true),
            new LongOptions.Spec("states", 't', true),
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("noheader", 'h', false),
            new LongOptions.Spec("format", 'o', true),
            new LongOptions.Spec("me", '\0', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", '\0', false));
    private static final Set<String> UNFINISHED = Set.of("PENDING", "RUNNING", "COMPLETING");

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
        JobFilter filter = JobFilter.of(parsed, invocation, UNFINISHED);
        SqueueFormat format = SqueueFormat.parse(LongOptions.last(parsed, "format").orElse(SqueueFormat.DEFAULT));
        List<Job> jobs;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(LongOptions.last(parsed, "socket")
                .orElse(null), invocation.environment()))) {
            jobs = client.allJobs(after -> filter.unfinishedOnly()
                    ? Requests.jobQueryPageInStates(List.of("queued", "held", "running", "exiting"), null, after)
                    : Requests.jobQueryPage(List.of("*"), null, after));
        }
        if (LongOptions.last(parsed, "noheader").isEmpty()) {
            invocation.out().println(format.header());
        }
        Instant now = Instant.now();
        jobs.stream().filter(filter::matches)
                .sorted(Comparator.comparingLong(SlurmJobs::sequence).thenComparingInt(SqueueCommand::index))
                .forEach(job -> invocation.out().println(format.line(job, now)));
        return ExitStatus.OK;
    }

    private static int index(Job job) {
        String index = job.get("array-index");
        return index.isEmpty() ? -1 : Integer.parseInt(index);
    }

    /** Which jobs -u, -j, -t, -p and --me choose. */
    record JobFilter(List<String> users, List<String> ids, Set<String> states, List<String> partitions) {
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
            return new JobFilter(users, ids, states, list(LongOptions.last(parsed, "partition").orElse("")));
        }

        boolean unfinishedOnly() {
            return UNFINISHED.containsAll(states);
        }

        boolean matches(Job job) {
            return (users.isEmpty() || users.contains(job.get("user")))
                    && (ids.isEmpty() || ids.stream().anyMatch(id -> SlurmJobs.matchesId(job, id)))
                    && states.contains(SlurmJobs.state(job))
                    && (partitions.isEmpty() || partitions.contains(job.get("queue")));
        }

        private static List<String> list(String text) {
            return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        }
    }
}
