package org.sss.mpd.internal.pmi;

import java.util.function.Consumer;

/**
 * PMI-1's name service commands, as MPICH's simple PMI client sends them for {@code MPI_Publish_name},
 * {@code MPI_Unpublish_name} and {@code MPI_Lookup_name}: {@code cmd=publish_name service=S port=P},
 * {@code cmd=unpublish_name service=S}, {@code cmd=lookup_name service=S}. Each is answered with its result command
 * carrying both forms of success MPICH's clients have read over the years ({@code rc=0}, which MPICH 4 reads, and
 * {@code info=ok}, which older clients read) or of failure ({@code rc=1 info=fail msg=REASON}), which MPICH turns
 * into an {@code MPI_ERR_NAME} error. Stateless.
 */
final class PmiNameCommands {
    private PmiNameCommands() {
    }

    /**
     * @param cmd a command
     * @return whether it is one of the name service's
     */
    static boolean handles(String cmd) {
        return cmd.equals("publish_name") || cmd.equals("unpublish_name") || cmd.equals("lookup_name");
    }

    /**
     * Starts a command; its reply is sent when the ring's name service answers.
     *
     * @param command the command
     * @param names   the rank's view of the name service
     * @param reply   sends a reply line (with its newline) to the rank
     * @throws PmiProtocolException if it lacks {@code service} (or, to publish, {@code port})
     */
    static void handle(PmiCommand command, PmiNames names, Consumer<String> reply) throws PmiProtocolException {
        String service = command.require("service");
        if (service.isEmpty()) {
            throw new PmiProtocolException(command.cmd() + " with an empty service");
        }
        switch (command.cmd()) {
            case "publish_name" -> names.publish(service, command.require("port"),
                    why -> reply.accept(result("publish_result", why, "")));
            case "unpublish_name" -> names.unpublish(service, why -> reply.accept(result("unpublish_result", why, "")));
            default -> names.lookup(service, port -> {
                if (port.isPresent() && !port.get().isEmpty() && port.get().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    reply.accept(result("lookup_result", null, " port=" + port.get()));
                } else {
                    reply.accept(result("lookup_result", port.isPresent() ? "value_not_representable_in_PMI-1"
                            : "service_" + safe(service) + "_not_found", ""));
                }
            });
        }
    }

    private static String result(String cmd, String why, String extra) {
        return why == null ? "cmd=" + cmd + " rc=0 info=ok msg=success" + extra + "\n"
                : "cmd=" + cmd + " rc=1 info=fail msg=" + safe(why) + "\n";
    }

    private static String safe(String text) {
        String cleaned = text.replaceAll("[^!-~]|=", "_");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
