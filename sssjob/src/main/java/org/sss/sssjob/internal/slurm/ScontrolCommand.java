package org.sss.sssjob.internal.slurm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Job;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;

/**
 * {@code scontrol}: the parts of Slurm's control command that users and their scripts call. {@code show hostnames
 * [LIST]} prints a host list's names one a line (LIST defaults to {@code $SLURM_JOB_NODELIST}, as inside a job);
 * {@code show hostlist NAME[,NAME...]} compresses names into a list; {@code show job [ID]} prints Slurm's
 * {@code Key=Value} listing of the jobs the caller may see (every such job without an ID; {@code -o}: each on one
 * line; {@code -d} is taken); {@code hold}, {@code release} and {@code requeue ID...} act on jobs as qhold, qrls and
 * {@code sssjob requeue} do, on those of an array's elements that are waiting (hold), held (release) or running
 * (requeue); {@code update JobId=ID KEY=VALUE...} changes waiting jobs ({@link ScontrolUpdate}). Anything else
 * is refused by name, exit 2. Ids are Slurm's ({@code 17}: the job or every element of array 17; {@code 17_3}).
 */
public final class ScontrolCommand {
    private static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("oneliner", 'o', false),
            new LongOptions.Spec("details", 'd', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", 'h', false));
    /** The states each action applies to: an array's other elements are left alone, as scancel does. */
    private static final java.util.Map<String, java.util.Set<String>> APPLIES = java.util.Map.of(
            "job-hold", java.util.Set.of("queued"), "job-release", java.util.Set.of("held"),
            "job-requeue", java.util.Set.of("running"));

    private ScontrolCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(OPTIONS, args, false);
        List<String> words = parsed.operands();
        if (LongOptions.last(parsed, "help").isPresent() || words.isEmpty()) {
            invocation.out().print(SlurmHelp.scontrol());
            return words.isEmpty() && LongOptions.last(parsed, "help").isEmpty() ? ExitStatus.USAGE : ExitStatus.OK;
        }
        String socket = LongOptions.last(parsed, "socket").orElse(null);
        String verb = words.getFirst().toLowerCase(java.util.Locale.ROOT);
        List<String> rest = words.subList(1, words.size());
        boolean oneLine = LongOptions.last(parsed, "oneliner").isPresent();
        return switch (verb) {
            case "show" -> show(invocation, rest, socket, oneLine);
            case "hold" -> act(invocation, rest, "job-hold", socket);
            case "release" -> act(invocation, rest, "job-release", socket);
            case "requeue" -> act(invocation, rest, "job-requeue", socket);
            case "update" -> ScontrolUpdate.run(invocation, rest, socket);
            default -> throw CliException.usage("unsupported command " + words.getFirst()
                    + " (show hostnames|hostlist|job, hold, release, requeue, update)");
        };
    }

    private static int show(Invocation invocation, List<String> rest, String socket, boolean oneLine)
            throws CliException {
        if (rest.isEmpty()) {
            throw CliException.usage("show what? (hostnames, hostlist or job)");
        }
        String entity = rest.getFirst().toLowerCase(java.util.Locale.ROOT);
        List<String> operands = rest.subList(1, rest.size());
        if (operands.size() > 1) {
            throw CliException.usage("show " + entity + " takes one argument, not " + operands.size());
        }
        switch (entity) {
            case "hostnames", "hostname" -> {
                String list = operands.isEmpty() ? invocation.environment().get("SLURM_JOB_NODELIST")
                        : operands.getFirst();
                if (list == null || list.isBlank()) {
                    throw CliException.usage("show hostnames: no host list given and SLURM_JOB_NODELIST is not set");
                }
                HostListExpansion.expand(list).forEach(invocation.out()::println);
            }
            case "hostlist" -> {
                if (operands.isEmpty()) {
                    throw CliException.usage("show hostlist: give the names, comma-separated");
                }
                invocation.out().println(HostList.compress(
                        HostListExpansion.expand(operands.getFirst()).stream().distinct().toList()));
            }
            case "job", "jobs" -> {
                return showJobs(invocation, operands.isEmpty() ? null : SlurmJobs.checkedId(operands.getFirst()), socket,
                        oneLine);
            }
            default -> throw CliException.usage("unsupported entity " + rest.getFirst() + " (hostnames, hostlist, job)");
        }
        return ExitStatus.OK;
    }

    private static int showJobs(Invocation invocation, String id, String socket, boolean oneLine)
            throws CliException {
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            List<Job> jobs = client.allJobs(after -> Requests.jobQueryPage(List.of("*"), null, after)).stream()
                    .filter(job -> id == null || SlurmJobs.matchesId(job, id)).toList();
            if (jobs.isEmpty()) {
                if (id == null) {
                    invocation.out().println("No jobs in the system");
                    return ExitStatus.OK;
                }
                invocation.err().println("slurm_load_jobs error: Invalid job id specified");
                return ExitStatus.REFUSED;
            }
            Instant now = Instant.now();
            for (Job job : jobs) {
                String listing = ScontrolJob.describe(job, now);
                if (oneLine) {
                    invocation.out().println(listing.strip().replaceAll("\\s*\n\\s*", " "));
                } else {
                    invocation.out().print(listing);
                    invocation.out().println();
                }
            }
        }
        return ExitStatus.OK;
    }

    private static int act(Invocation invocation, List<String> ids, String operation, String socket)
            throws CliException {
        if (ids.isEmpty()) {
            throw CliException.usage("name the job ids");
        }
        List<String> wanted = new ArrayList<>();
        for (String operand : ids) {
            for (String id : operand.split(",")) {
                wanted.add(SlurmJobs.checkedId(id));
            }
        }
        String notInState = operation.equals("job-requeue") ? "not running" : operation.equals("job-hold")
                ? "Job is no longer pending execution" : "not held";
        return new ScontrolTargets(APPLIES.get(operation), notInState, null,
                chosen -> Requests.jobs(operation, chosen, null)).actOn(invocation, wanted, socket);
    }

}
