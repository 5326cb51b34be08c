package org.sss.sssjob.internal;

import java.util.List;
import java.util.Map;

/** {@code sssjob queues}: the queues, their limits and how many jobs wait, hold or run in each. */
public final class QueuesCommand {
    private QueuesCommand() {
    }

    /**
     * @param invocation the process
     * @param args       {@code [--socket PATH]}
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        String socket = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help")) {
                invocation.out().print(Help.queues());
                return ExitStatus.OK;
            } else if (arg.equals("--socket")) {
                socket = Args.value(args, ++i, arg);
            } else {
                throw CliException.usage("unexpected " + arg);
            }
        }
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            Table table = new Table(List.of("QUEUE", "DEFAULT", "MAX-WALLTIME", "MAX-NODES", "PRIORITY", "QUEUED", "HELD",
                    "RUNNING", "USERS"), 16, 7, 12, 9, 8, 6, 6, 7, 200);
            for (Map<String, String> queue : client.call(Requests.queues(), "queues")) {
                table.add(queue.getOrDefault("name", ""), "true".equals(queue.get("default")) ? "yes" : "",
                        seconds(queue.get("max-walltime")), zeroIsNone(queue.get("max-nodes")),
                        queue.getOrDefault("priority", "0"), queue.getOrDefault("queued", "0"),
                        queue.getOrDefault("held", "0"), queue.getOrDefault("running", "0"),
                        queue.getOrDefault("users", "").isBlank() ? "all" : queue.get("users"));
            }
            invocation.out().print(table.render());
        }
        return ExitStatus.OK;
    }

    private static String seconds(String value) {
        return value == null || value.equals("0") ? "none" : Job.hms(Long.parseLong(value));
    }

    private static String zeroIsNone(String value) {
        return value == null || value.equals("0") ? "none" : value;
    }
}
