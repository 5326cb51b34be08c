package org.sss.sssjob.internal;

import java.util.List;
import java.util.Map;

/**
 * The queue manager's refusal of an allocation, put in the options of sssjob run and alloc (srun, salloc) that asked
 * for it: the allocation is submitted with qsub's options ({@link LaunchArgs.Shape#qsubOptions}), so a refusal names
 * those ({@code -l nodes: unknown node node9}), which the user never typed. Stateless.
 */
final class SrunTerms {
    /** qsub's option as a refusal begins with it, and the srun options it was made from. */
    private static final List<Map.Entry<String, String>> OPTIONS = List.of(
            Map.entry("-l nodes", "-N/-n/-w/-C/--gres"),
            Map.entry("-W exclude", "-x"),
            Map.entry("-l walltime=", "-t "),
            Map.entry("-l walltime", "-t"),
            Map.entry("-l advres=", "--reservation="),
            Map.entry("-l qos=", "--qos="),
            Map.entry("-q ", "-p "));

    private SrunTerms() {
    }

    /**
     * @param refusal the queue manager's refusal of an allocation's submission
     * @return the same, beginning with srun's options instead of qsub's
     */
    static CliException of(CliException refusal) {
        String message = refusal.getMessage();
        for (Map.Entry<String, String> option : OPTIONS) {
            if (message.startsWith(option.getKey())) {
                return new CliException(refusal.status(), option.getValue() + message.substring(option.getKey().length()));
            }
        }
        return refusal;
    }
}
