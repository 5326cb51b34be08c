package org.sss.queuemanager.internal;

import java.util.List;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.PbsException;
import org.sss.queuemanager.internal.pbs.PbsParser;
import org.sss.queuemanager.internal.pbs.Walltime;
import org.sss.queuemanager.internal.slurm.SlurmParseException;
import org.sss.queuemanager.internal.slurm.SlurmParser;

/**
 * The walltime a running job's change gives it (qalter {@code -l walltime=}, scontrol update's TimeLimit): only its
 * walltime may change; within its queue's and QOS's longest; as in PBS and Slurm, only an administrator raises it (or
 * takes it away). The queue manager's timers then follow the new limit ({@link JobTimers}). Stateless.
 */
final class RunningWalltime {
    private final QueueManagerSettings settings;

    /** @param settings the queues and qualities of service whose limits bind */
    RunningWalltime(QueueManagerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param job     the job, running
     * @param options qalter's options, or with {@code slurm} sbatch's
     * @param slurm   whether the options are sbatch's
     * @param by      who asks
     * @return the job's new request
     * @throws SssException {@code invalid-state} when the options change more than the walltime, {@code bad-value}
     *                      over a limit, {@code permission-denied} for a user's raise
     */
    Job.JobSpec changed(Job job, List<String> options, boolean slurm, Principal by) throws SssException {
        JobRequest change;
        try {
            change = slurm ? SlurmParser.update(options) : PbsParser.options(options);
        } catch (PbsException | SlurmParseException e) {
            throw SssException.badValue(e.getMessage());
        }
        String option = slurm ? "--time" : "-l walltime";
        if (!change.onlyWalltime()) {
            throw SssException.invalidState("job " + job.id() + " is " + job.state().xmlName() + "; only its walltime ("
                    + option + ") can be changed now");
        }
        Job.JobSpec old = job.spec();
        QueueManagerSettings.Queue queue = settings.queue(old.queue()).orElse(null);
        long walltime = change.walltime().get();
        if (queue != null) {
            walltime = Submissions.walltime(queue, walltime, slurm);
        }
        QueueManagerSettings.Qos qos = old.qos() == null ? null : settings.qos(old.qos()).orElse(null);
        walltime = QosChoice.walltime(qos, walltime, walltime > 0, slurm);
        if (!by.isPrivileged() && old.walltime() > 0 && (walltime == 0 || walltime > old.walltime())) {
            throw SssException.permissionDenied(option + "=" + (walltime == 0 ? (slurm ? "UNLIMITED" : "none")
                    : Walltime.format(walltime)) + ": only an administrator may raise a running job's walltime (it is "
                    + Walltime.format(old.walltime()) + ")");
        }
        Submissions.keptEndSignal(old, walltime, slurm);
        return old.withWalltime(walltime);
    }
}
