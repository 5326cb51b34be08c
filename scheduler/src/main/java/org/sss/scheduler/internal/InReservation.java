package org.sss.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.scheduler.internal.plan.Reservation;

/**
 * Where and when a job that names an advance reservation ({@code qsub -l advres=res1}, {@code sbatch
 * --reservation=res1}) may start: only while the reservation's window is open, only if it ends inside the window (a
 * walltime that would outlast it keeps it waiting), only on the reservation's nodes, and only for one of its users.
 * The planner is given the nodes outside the reservation as excluded. Stateless.
 */
final class InReservation {
    private InReservation() {
    }

    /**
     * @param name        the reservation the job names
     * @param reservation that reservation as the scheduler has it now, or null when it has none of that name
     * @param user        the job's owner
     * @param walltime    the job's walltime, or null for none
     * @param now         the pass's time
     * @return why the job cannot start now, or null when it may start inside the reservation
     */
    static String whyNot(String name, Reservation reservation, String user, Duration walltime, Instant now) {
        if (reservation == null) {
            return "reservation " + name + " does not exist (ended or deleted): qalter -l advres= or cancel the job";
        }
        if (!reservation.users().contains(user)) {
            return "reservation " + name + " is not " + user + "'s";
        }
        if (now.isBefore(reservation.start())) {
            return "reservation " + name + " starts at " + reservation.start();
        }
        if (walltime != null && now.plus(walltime).isAfter(reservation.end())) {
            return "reservation " + name + " ends at " + reservation.end() + ", before the job's walltime would";
        }
        return null;
    }

    /**
     * @param excluded    the nodes the job excludes itself
     * @param reservation its reservation
     * @param nodes       the cluster's nodes
     * @return those and every node outside the reservation
     */
    static Set<String> excluding(Set<String> excluded, Reservation reservation, List<PlanNode> nodes) {
        Set<String> all = new HashSet<>(excluded);
        for (PlanNode node : nodes) {
            if (!reservation.nodes().contains(node.name())) {
                all.add(node.name());
            }
        }
        return all;
    }
}
