package org.sss.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sss.scheduler.internal.plan.Reservation;

/**
 * When a job that names an advance reservation ({@code qsub -l advres=res1}, {@code sbatch --reservation=res1}) may
 * start: only while the reservation's window is open, only if its walltime ends inside the window, only for one of
 * its users, and only if every node it requires is the reservation's. The planner then gives it only the
 * reservation's nodes ({@code QueuedJob.within}). Stateless.
 */
final class InReservation {
    private InReservation() {
    }

    /**
     * @param name        the reservation the job names
     * @param reservation that reservation as the scheduler has it now, or null when it has none of that name
     * @param user        the job's owner
     * @param walltime    the job's walltime, or null for none
     * @param required    the nodes the job requires
     * @param now         the pass's time
     * @return why the job cannot start now, or null when it may start inside the reservation
     */
    static String whyNot(String name, Reservation reservation, String user, Duration walltime, List<String> required,
                         Instant now) {
        if (reservation == null) {
            return "reservation " + name + " does not exist (ended or deleted): qalter -l advres=ANOTHER, or"
                    + " advres= for none, or cancel the job";
        }
        if (reservation.nodes().isEmpty()) {
            return "reservation " + name + " holds no node";
        }
        if (!reservation.users().contains(user)) {
            return "reservation " + name + " is not " + user + "'s";
        }
        for (String node : required) {
            if (!reservation.nodes().contains(node)) {
                return "reservation " + name + " does not hold node " + node + ", which the job requires";
            }
        }
        if (walltime == null) {
            return "reservation " + name + " holds only jobs with a walltime (one that ends inside its window)";
        }
        if (now.isBefore(reservation.start())) {
            return "reservation " + name + " starts at " + reservation.start();
        }
        if (now.plus(walltime).isAfter(reservation.end())) {
            return "reservation " + name + " ends at " + reservation.end() + ", before the job's walltime would";
        }
        return null;
    }
}
