package org.sss.sssjob.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sssjob alter [qalter options] ID…} and {@code qalter}: changes queued or held jobs (and a running job's
 * walltime) with qsub's options
 * ({@code -N}, {@code -l walltime=}, {@code -l nodes=}, {@code -q}, {@code -p}, {@code -A}, {@code -W depend=} …);
 * the queue manager checks them as it checks a submission. sssjob prints each altered job.
 */
public final class AlterCommand {
    private AlterCommand() {
    }

    /**
     * @param invocation the process
     * @param args       options then job ids
     * @param pbsFace    whether to be silent on success
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args, boolean pbsFace) throws CliException {
        QsubArgs parsed = QsubArgs.parse(args);
        if (parsed.help()) {
            invocation.out().print(Help.alter(invocation.program()));
            return ExitStatus.OK;
        }
        if (parsed.options().isEmpty()) {
            throw CliException.usage("nothing to change: give qsub options before the job ids");
        }
        if (parsed.operands().isEmpty()) {
            throw CliException.usage("no job id given (options go before the job ids)");
        }
        List<String> ids = new ArrayList<>();
        for (String operand : parsed.operands()) {
            ids.add(JobIds.check(operand));
        }
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(parsed.socket(), invocation.environment()))) {
            List<Job> jobs = client.jobs(Requests.modify(ids, parsed.options()));
            if (!pbsFace) {
                for (Job job : jobs) {
                    invocation.out().println("altered job " + job.id() + " (" + job.get("name") + ", " + job.get("nodes")
                            + "x" + job.get("ppn") + ", queue " + job.get("queue") + ")");
                }
            }
        }
        return ExitStatus.OK;
    }
}
