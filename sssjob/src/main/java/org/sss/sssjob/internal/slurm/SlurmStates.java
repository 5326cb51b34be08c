package org.sss.sssjob.internal.slurm;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.sss.sssjob.internal.CliException;

/**
 * squeue's and scancel's {@code -t/--states} lists: comma-separated Slurm state codes or names, any case
 * ({@code PD}, {@code pending}, {@code R,CG}), or {@code all}. States this suite's jobs never take (such as
 * {@code PR}, {@code NF}, {@code S}) are accepted and match nothing, as in a Slurm cluster where no job is in them;
 * anything else is refused by name.
 */
final class SlurmStates {
    private static final Set<String> OTHER_SLURM = Set.of("BF", "BOOT_FAIL", "CF", "CONFIGURING", "DL", "DEADLINE",
            "NF", "NODE_FAIL", "OOM", "OUT_OF_MEMORY", "PR", "PREEMPTED", "RD", "RESV_DEL_HOLD", "RF", "REQUEUE_FED",
            "RH", "REQUEUE_HOLD", "RQ", "REQUEUED", "RS", "RESIZING", "RV", "REVOKED", "SI", "SIGNALING", "SE",
            "SPECIAL_EXIT", "SO", "STAGE_OUT", "ST", "STOPPED", "S", "SUSPENDED");

    private SlurmStates() {
    }

    /**
     * @param list the option's value
     * @return the state names wanted (PENDING, RUNNING, …), or every name for {@code all}
     * @throws CliException (exit 2) naming a state Slurm does not have
     */
    static Set<String> parse(String list) throws CliException {
        Set<String> wanted = new LinkedHashSet<>();
        for (String item : list.split(",", -1)) {
            String upper = item.strip().toUpperCase(Locale.ROOT);
            if (upper.equals("ALL")) {
                wanted.addAll(SlurmJobs.NAMES);
            } else if (SlurmJobs.CODES.contains(upper)) {
                wanted.add(SlurmJobs.NAMES.get(SlurmJobs.CODES.indexOf(upper)));
            } else if (SlurmJobs.NAMES.contains(upper)) {
                wanted.add(upper);
            } else if (!OTHER_SLURM.contains(upper)) {
                throw CliException.usage("--states: invalid job state " + item
                        + " (PD, R, CG, CD, CA, F, TO, their names, or all)");
            }
        }
        return wanted;
    }
}
