package org.sss.sssjob.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sssjob cancel|hold|release|requeue|signal} and {@code qdel}, {@code qhold}, {@code qrls}, {@code qsig}: one
 * request per job id, all on one connection, so that a bad id does not stop the others. Each refusal is printed
 * on its own line; the exit status is the worst of them (0 when every job was acted on). sssjob says what it did,
 * one line per job; the PBS faces are silent on success, as PBS is. {@code all} stands for every job of the caller
 * (all jobs, for root and administrators) that the action applies to: cancel the queued, held and running ones, hold
 * the queued, release the held.
 */
public final class ActionCommand {
    /** The word for every job of the caller's in the states an action applies to ({@code qdel all}, as Torque). */
    private static final String ALL = "all";

    private ActionCommand() {
    }

    /** The actions. */
    public enum Action {
        /** job-cancel; {@code all}: every queued, held or running job. */
        CANCEL("job-cancel", "cancelled", List.of("queued", "held", "running")),
        /** job-hold; {@code all}: every queued job. */
        HOLD("job-hold", "held", List.of("queued")),
        /** job-release; {@code all}: every held job. */
        RELEASE("job-release", "released", List.of("held")),
        /** job-requeue. */
        REQUEUE("job-requeue", "requeued", List.of()),
        /** job-signal. */
        SIGNAL("job-signal", "signalled", List.of());

        private final String operation;
        private final String done;
        private final List<String> allStates;

        Action(String operation, String done, List<String> allStates) {
            this.operation = operation;
            this.done = done;
            this.allStates = allStates;
        }
    }

    /**
     * @param invocation the process
     * @param action     what to do
     * @param args       the job ids (for a signal: {@code -s SIGNAL} or the signal first)
     * @param pbsFace    whether to be silent on success
     * @return the exit status
     * @throws CliException for bad arguments or an unreachable queue manager
     */
    public static int run(Invocation invocation, Action action, List<String> args, boolean pbsFace) throws CliException {
        String socket = null;
        String signal = null;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help")) {
                invocation.out().print(Help.action(invocation.program(), action));
                return ExitStatus.OK;
            } else if (arg.equals("--socket")) {
                socket = Args.value(args, ++i, arg);
            } else if (action == Action.SIGNAL && arg.equals("-s")) {
                signal = Args.value(args, ++i, arg);
            } else if (arg.startsWith("-")) {
                throw CliException.usage("unknown option " + arg);
            } else if (action == Action.SIGNAL && signal == null && !pbsFace) {
                signal = arg;
            } else if (arg.equals("all") && !action.allStates.isEmpty()) {
                ids.add(ALL);
            } else {
                ids.add(JobIds.check(arg));
            }
        }
        if (action == Action.SIGNAL && signal == null) {
            throw CliException.usage("which signal? (" + invocation.program() + " -s SIGNAL ID…)");
        }
        if (ids.isEmpty()) {
            throw CliException.usage("no job id given (try --help)");
        }
        int status = ExitStatus.OK;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            for (String id : ids) {
                byte[] request = action == Action.SIGNAL ? Requests.signal(List.of(id), signal)
                        : id.equals(ALL) ? Requests.jobsInStates(action.operation, action.allStates, null)
                        : Requests.jobs(action.operation, List.of(id), null);
                try {
                    List<Job> jobs = client.jobs(request);
                    if (!pbsFace) {
                        for (Job job : jobs) {
                            invocation.out().println(action.done + " job " + job.id() + " (now " + job.state() + ")");
                        }
                    }
                } catch (CliException e) {
                    if (e.status() == ExitStatus.UNREACHABLE) {
                        throw e;
                    }
                    invocation.err().println(invocation.program() + ": " + id + ": " + e.getMessage());
                    status = Math.max(status, e.status());
                }
            }
        }
        return status;
    }
}
