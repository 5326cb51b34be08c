package org.sss.queuemanager.internal;

import java.util.Optional;
import org.sss.lib.error.SssException;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.queuemanager.QueueManagerSettings.Qos;
import org.sss.queuemanager.internal.pbs.Walltime;

/**
 * A job's quality of service ({@code sbatch -q/--qos}, Torque's {@code -l qos=}) against the queue manager's configured
 * ones: the one it names, or the default one when it names none (none when no default is configured). Its user must be
 * one the QOS admits, and its nodes and walltime within the QOS's limits, beside its queue's. Refusals name the option
 * as the submitter spelled it ({@code sbatch}'s or {@code qsub}'s). The limit on jobs running at once is the
 * scheduler's to keep.
 */
final class QosChoice {
    private final QueueManagerSettings settings;

    /** @param settings the configured qualities of service */
    QosChoice(QueueManagerSettings settings) {
        this.settings = settings;
    }

    /**
     * @param asked  the name asked for; absent or empty for the default
     * @param user   the job's owner
     * @param sbatch whether the refusal names sbatch's option
     * @return the quality of service, or null when none was asked for and none is the default
     * @throws SssException {@code bad-value} for one not configured, {@code permission-denied} for one that does not
     *                      admit the user
     */
    Qos of(Optional<String> asked, String user, boolean sbatch) throws SssException {
        String name = asked.filter(n -> !n.isEmpty()).orElse(null);
        Qos qos;
        if (name == null) {
            qos = settings.defaultQos().orElse(null);
            if (qos == null) {
                return null;
            }
        } else {
            qos = settings.qos(name).orElseThrow(() -> SssException.badValue(option(name, sbatch) + ": "
                    + (settings.qos().isEmpty() ? "no QOS is configured here"
                    : "unknown QOS (QOS: " + String.join(", ", settings.qos().stream().map(Qos::name).toList()) + ")")));
        }
        if (!qos.admits(user)) {
            throw SssException.permissionDenied(option(qos.name(), sbatch) + ": the QOS does not admit user " + user
                    + (name == null ? " (it is the default one: ask for another)" : ""));
        }
        return qos;
    }

    /**
     * @param qos      the job's quality of service, or null
     * @param walltime its walltime as its queue allows it (seconds, 0 for none)
     * @param asked    whether its owner asked for that walltime (else it is the queue's default, which the QOS cuts)
     * @param sbatch   whether the refusal names sbatch's option
     * @return the walltime: as given, or the QOS's longest when none was given or the queue's default is longer
     * @throws SssException {@code bad-value} when asked for more than the QOS allows
     */
    static long walltime(Qos qos, long walltime, boolean asked, boolean sbatch) throws SssException {
        if (qos == null || qos.maxWalltime() == 0) {
            return walltime;
        }
        if (asked && walltime > qos.maxWalltime()) {
            throw SssException.badValue((sbatch ? "--time=" : "-l walltime=") + Walltime.format(walltime) + ": QOS "
                    + qos.name() + " allows at most " + Walltime.format(qos.maxWalltime()));
        }
        return walltime == 0 || walltime > qos.maxWalltime() ? qos.maxWalltime() : walltime;
    }

    /**
     * @param qos      the quality of service a qalter gives a job, or null
     * @param walltime the job's walltime, which the qalter does not change (seconds, 0 for none)
     * @param sbatch   whether the refusal names sbatch's options
     * @return the walltime: as it was, or the QOS's longest for a job without one
     * @throws SssException {@code bad-value} when it is longer than the QOS allows
     */
    static long keptWalltime(Qos qos, long walltime, boolean sbatch) throws SssException {
        if (qos != null && qos.maxWalltime() > 0 && walltime > qos.maxWalltime()) {
            throw SssException.badValue(option(qos.name(), sbatch) + ": the job's walltime of " + Walltime.format(walltime)
                    + " is longer than the QOS allows (" + Walltime.format(qos.maxWalltime())
                    + "); give a shorter " + (sbatch ? "--time" : "-l walltime") + " with it");
        }
        return walltime(qos, walltime, false, sbatch);
    }

    /**
     * @param qos   the job's quality of service, or null
     * @param nodes how many nodes it asks for
     * @param shape the request as its owner spelled it, for the refusal
     * @throws SssException {@code bad-value} when over the QOS's most nodes
     */
    static void checkNodes(Qos qos, int nodes, String shape) throws SssException {
        if (qos != null && qos.maxNodes() > 0 && nodes > qos.maxNodes()) {
            throw SssException.badValue(shape + ": QOS " + qos.name() + " allows at most " + qos.maxNodes()
                    + " node(s)");
        }
    }

    private static String option(String name, boolean sbatch) {
        return sbatch ? "--qos=" + name : "-l qos=" + name;
    }
}
