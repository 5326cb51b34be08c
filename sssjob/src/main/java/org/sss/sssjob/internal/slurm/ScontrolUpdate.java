package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Requests;

/**
 * {@code scontrol update JobId=ID[,ID...] KEY=VALUE...}: changes pending jobs, each key as the sbatch option it
 * corresponds to ({@code TimeLimit=30} is {@code --time=30}), which the queue manager checks as it checks a
 * submission's ({@code job-modify} in the Slurm dialect). Keys are case-insensitive, as Slurm's; an empty value
 * clears what it can ({@code Dependency=}, {@code ExcNodeList=}, {@code Reservation=}, {@code Account=}; {@code QOS=}
 * gives the default one). A key this suite cannot change (a job's shape, files or environment, fixed when it is
 * submitted) is refused by name, exit 2; a running job's TimeLimit alone may change (only an administrator raises
 * it, as in Slurm); a job that is not pending otherwise is an error for that job (exit 1), a refusal too
 * (exit 2 for a bad value, 1 otherwise), and the others are still changed; an array's elements that are no longer
 * pending are left as they are, saying so. Stateless.
 */
final class ScontrolUpdate {
    /** scontrol's keys, lowercased, and the sbatch option each is. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("timelimit", "--time"), Map.entry("partition", "--partition"), Map.entry("qos", "--qos"),
            Map.entry("jobname", "--job-name"), Map.entry("name", "--job-name"), Map.entry("nice", "--nice"),
            Map.entry("dependency", "--dependency"), Map.entry("starttime", "--begin"),
            Map.entry("excnodelist", "--exclude"), Map.entry("reservation", "--reservation"),
            Map.entry("account", "--account"), Map.entry("mailtype", "--mail-type"),
            Map.entry("mailuser", "--mail-user"));
    private static final String TAKEN = "TimeLimit, Partition, QOS, JobName, Nice, Dependency, StartTime, ExcNodeList,"
            + " Reservation, Account, MailType, MailUser, Requeue";

    private ScontrolUpdate() {
    }

    /**
     * @param invocation the process
     * @param words      the words after {@code update}
     * @param socket     the queue manager's socket, or null
     * @return the exit status
     * @throws CliException for bad arguments (2) or an unreachable queue manager (3)
     */
    static int run(Invocation invocation, List<String> words, String socket) throws CliException {
        List<String> ids = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw CliException.usage("update: expected KEY=VALUE, not " + word + " (JobId=ID TimeLimit=30 ...)");
            }
            String key = word.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = word.substring(equals + 1);
            if (key.endsWith("+") || key.endsWith("-")) {
                throw CliException.usage("update: " + word.substring(0, equals + 1) + ": a change relative to the"
                        + " job's is not taken here; give the whole value (TimeLimit=90)");
            }
            switch (key) {
                case "jobid" -> {
                    for (String id : value.split(",")) {
                        ids.add(SlurmJobs.checkedId(id));
                    }
                }
                case "requeue" -> options.add(switch (value) {
                    case "0" -> "--no-requeue";
                    case "1" -> "--requeue";
                    default -> throw CliException.usage("update: Requeue=" + value + ": expected 0 or 1");
                });
                case "timelimit" -> {
                    if (value.startsWith("+") || value.startsWith("-")) {
                        throw CliException.usage("update: TimeLimit=" + value + ": a limit relative to the job's"
                                + " is not taken here; give the whole limit");
                    }
                    options.add("--time=" + value);
                }
                default -> {
                    String option = KEYS.get(key);
                    if (option == null) {
                        throw CliException.usage("update: " + word.substring(0, equals) + " cannot be updated here ("
                                + TAKEN + " can)");
                    }
                    options.add(option + "=" + value);
                }
            }
        }
        if (ids.isEmpty()) {
            throw CliException.usage("update: which job? (JobId=ID)");
        }
        if (options.isEmpty()) {
            throw CliException.usage("update: nothing to change (" + TAKEN + ")");
        }
        boolean timeOnly = options.size() == 1 && options.getFirst().startsWith("--time=");
        return new ScontrolTargets(timeOnly ? java.util.Set.of("queued", "held", "running")
                : java.util.Set.of("queued", "held"), timeOnly ? "Job is no longer running or pending"
                : "Job is no longer pending execution; only a pending job's fields are changed here (a running job's"
                + " TimeLimit alone)", timeOnly ? "no longer running or pending are left as they are"
                : "no longer pending are left as they are", chosen -> Requests.modify(chosen, options, "slurm"))
                .actOn(invocation, ids, socket);
    }
}
