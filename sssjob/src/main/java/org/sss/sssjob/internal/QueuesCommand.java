package org.sss.sssjob.internal;

import java.util.List;
import java.util.Map;

/**
 * {@code sssjob queues}: the queues, their limits and how many jobs wait, hold or run in each; then the qualities of
 * service, when any are configured, with their priorities and limits.
 */
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
            Reply reply = client.reply(Requests.queues());
            for (Map<String, String> queue : reply.itemsOf("queues", "queue")) {
                table.add(queue.getOrDefault("name", ""), "true".equals(queue.get("default")) ? "yes" : "",
                        seconds(queue.get("max-walltime")), zeroIsNone(queue.get("max-nodes")),
                        queue.getOrDefault("priority", "0"), queue.getOrDefault("queued", "0"),
                        queue.getOrDefault("held", "0"), queue.getOrDefault("running", "0"),
                        queue.getOrDefault("users", "").isBlank() ? "all" : queue.get("users"));
            }
            invocation.out().print(table.render());
            List<Map<String, String>> qos = reply.itemsOf("queues", "qos");
            if (!qos.isEmpty()) {
                Table qosTable = new Table(List.of("QOS", "DEFAULT", "MAX-WALLTIME", "MAX-NODES", "MAX-JOBS-PER-USER",
                        "PRIORITY", "USERS"), 16, 7, 12, 9, 17, 8, 200);
                for (Map<String, String> one : qos) {
                    qosTable.add(one.getOrDefault("name", ""), "true".equals(one.get("default")) ? "yes" : "",
                            seconds(one.get("max-walltime")), zeroIsNone(one.get("max-nodes")),
                            zeroIsNone(one.get("max-jobs-per-user")), one.getOrDefault("priority", "0"),
                            one.getOrDefault("users", "").isBlank() ? "all" : one.get("users"));
                }
                invocation.out().print("\n" + qosTable.render());
            }
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
