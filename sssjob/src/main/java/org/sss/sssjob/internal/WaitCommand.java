package org.sss.sssjob.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sssjob wait ID}: follows a job (or every element of an array, {@code 17[]}) until it has completed,
 * telling each change of state on standard error ({@code --quiet}: silent), then exits with the job's exit status
 * (0-255; for an array the first element's that is not 0). A job that ended without running (cancelled while
 * queued, or its dependencies can never be met) has no exit status: wait says why and exits 1. The queue manager is
 * asked every 50 ms at first, backing off to once a second.
 */
public final class WaitCommand {
    private static final long FIRST_POLL_MILLIS = 50;
    private static final long MAX_POLL_MILLIS = 1000;

    private WaitCommand() {
    }

    /**
     * @param invocation the process
     * @param args       {@code [--quiet] ID}
     * @return the job's exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        boolean quiet = false;
        String socket = null;
        String id = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help" -> {
                    invocation.out().print(Help.waitFor());
                    return ExitStatus.OK;
                }
                case "--quiet", "-q" -> quiet = true;
                case "--socket" -> socket = Args.value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("-")) {
                        throw CliException.usage("unknown option " + arg);
                    }
                    if (id != null) {
                        throw CliException.usage("wait follows one job (or one array, ID[])");
                    }
                    id = JobIds.check(arg);
                }
            }
        }
        if (id == null) {
            throw CliException.usage("which job? (sssjob wait ID)");
        }
        Map<String, String> told = new HashMap<>();
        long pause = FIRST_POLL_MILLIS;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            while (true) {
                List<Job> jobs = client.jobs(Requests.jobs("job-query", List.of(id), null));
                boolean allDone = !jobs.isEmpty();
                for (Job job : jobs) {
                    String what = describe(job);
                    if (!quiet && !what.equals(told.put(job.id(), what))) {
                        invocation.err().println(invocation.program() + ": job " + job.id() + " " + what);
                    }
                    allDone &= job.completed();
                }
                if (allDone) {
                    return statusOf(jobs);
                }
                Pause.sleep(pause);
                pause = Math.min(MAX_POLL_MILLIS, pause * 3 / 2);
            }
        }
    }

    private static String describe(Job job) {
        return switch (job.state()) {
            case "queued", "held" -> job.state() + (job.get("reason").isEmpty() ? "" : " (" + job.get("reason") + ")");
            case "running" -> "running on " + job.get("allocated");
            case "completed" -> job.exitStatus().isPresent()
                    ? "completed, exit status " + job.exitStatus().getAsInt()
                        + (job.get("reason").isEmpty() ? "" : " (" + job.get("reason") + ")")
                    : "completed without running (" + job.get("reason") + ")";
            default -> job.state();
        };
    }

    private static int statusOf(List<Job> jobs) {
        for (Job job : jobs) {
            int status = job.exitStatus().orElse(ExitStatus.REFUSED);
            if (status != 0) {
                return status < 0 || status > 255 ? 255 : status;
            }
        }
        return ExitStatus.OK;
    }
}
