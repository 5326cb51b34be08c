package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
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
 * {@code scancel [options] [ID...]}: cancels the pending, running and completing jobs the ids and filters choose
 * ({@code 17} is job 17 or every element of array 17; {@code 17_3} one element; {@code 17_[1-3]} some), or with
 * {@code -s/--signal} sends that signal to the running ones instead. Filters: {@code -u/--user}, {@code -n/--name},
 * {@code -t/--state}, {@code -p/--partition}, {@code --me}; with no id, at least one filter must be given. An id
 * naming no job the caller may act on, or only completed ones, is an error on its own line
 * ({@code Invalid job id specified} / {@code Job has already finished}), exit 1; the others are still acted on.
 * Silent on success, as scancel is.
 */
public final class ScancelCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("user", 'u', true),
            new LongOptions.Spec("name", 'n', true),
            new LongOptions.Spec("state", 't', true),
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("signal", 's', true),
            new LongOptions.Spec("me", '\0', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", '\0', false));
    private static final Set<String> ACTIVE = Set.of("PENDING", "RUNNING", "COMPLETING");

    private ScancelCommand() {
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
            invocation.out().print(SlurmHelp.scancel());
            return ExitStatus.OK;
        }
        List<String> ids = new ArrayList<>();
        for (String operand : parsed.operands()) {
            for (String id : operand.split(",")) {
                ids.add(SlurmJobs.checkedSelector(id));
            }
        }
        List<String> filterArgs = new ArrayList<>();
        for (LongOptions.Given given : parsed.options()) {
            switch (given.name()) {
                case "user", "partition", "me" -> filterArgs.add(given.value() == null ? "--" + given.name()
                        : "--" + given.name() + "=" + given.value());
                case "state" -> filterArgs.add("--states=" + given.value());
                default -> {
                }
            }
        }
        boolean filtered = !filterArgs.isEmpty() || LongOptions.last(parsed, "name").isPresent();
        if (ids.isEmpty() && !filtered) {
            throw CliException.usage("no job identification provided (give job ids, or -u, -n, -t, -p or --me)");
        }
        if (!ids.isEmpty()) {
            filterArgs.add("--jobs=" + String.join(",", ids));
        }
        SqueueCommand.JobFilter filter = SqueueCommand.JobFilter.of(LongOptions.parse(List.of(
                new LongOptions.Spec("user", '\0', true), new LongOptions.Spec("jobs", '\0', true),
                new LongOptions.Spec("states", '\0', true), new LongOptions.Spec("partition", '\0', true),
                new LongOptions.Spec("me", '\0', false)), filterArgs, false), invocation, ACTIVE);
        String name = LongOptions.last(parsed, "name").orElse(null);
        String signal = LongOptions.last(parsed, "signal").orElse(null);
        int status = ExitStatus.OK;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(LongOptions.last(parsed, "socket")
                .orElse(null), invocation.environment()))) {
            List<Job> all = client.allJobs(after -> Requests.jobQueryPage(List.of("*"), null, after));
            List<Job> chosen = all.stream().filter(filter::matches)
                    .filter(job -> name == null || job.get("name").equals(name)).toList();
            for (String id : ids) {
                boolean any = all.stream().anyMatch(job -> SlurmJobs.matchesId(job, id));
                boolean active = chosen.stream().anyMatch(job -> SlurmJobs.matchesId(job, id));
                if (!any) {
                    invocation.err().println(invocation.program() + ": error: Kill job error on job id " + id
                            + ": Invalid job id specified");
                    status = ExitStatus.REFUSED;
                } else if (!active && filter.states().equals(ACTIVE) && name == null) {
                    invocation.err().println(invocation.program() + ": error: Kill job error on job id " + id
                            + ": Job/step already completing or completed");
                    status = ExitStatus.REFUSED;
                }
            }
            for (Job job : chosen) {
                status = Math.max(status, act(invocation, client, job, signal));
            }
        }
        return status;
    }

    private static int act(Invocation invocation, JobsClient client, Job job, String signal) throws CliException {
        try {
            if (signal == null) {
                client.jobs(Requests.jobs("job-cancel", List.of(job.id()), null));
            } else if (job.state().equals("running")) {
                client.jobs(Requests.signal(List.of(job.id()), signal));
            } else {
                invocation.err().println(invocation.program() + ": error: job " + SlurmJobs.id(job)
                        + " is not running; only running jobs take a signal");
                return ExitStatus.REFUSED;
            }
            return ExitStatus.OK;
        } catch (CliException e) {
            if (e.status() == ExitStatus.UNREACHABLE) {
                throw e;
            }
            invocation.err().println(invocation.program() + ": error: job " + SlurmJobs.id(job) + ": " + e.getMessage());
            return e.status();
        }
    }
}
