package org.sss.queuemanager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ReservationListType;
import org.sss.schema.ReservationType;
import org.sss.schema.Reservations;

/**
 * Whether a job may run in the advance reservation it names ({@code qsub -l advres=res1}, {@code sbatch
 * --reservation=res1}), as the scheduler, which keeps the reservations, has it at submission: the job has a walltime
 * that fits in what is left of the window, the reservation exists and is the job's owner's, holds every node the job
 * requires, and has enough nodes the job does not exclude with its slots, features and GPUs (as the configuration
 * gives them). The scheduler then starts the job only on the reservation's nodes, inside the window.
 */
final class ReservationCheck {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String SCHEDULER = "scheduler";
    private final ComponentCalls components;
    private final Map<String, ClusterNodes.Node> configured = new HashMap<>();

    /**
     * @param components how to reach the scheduler
     * @param nodes      the configuration's nodes (their slots, features and GPUs)
     */
    ReservationCheck(ComponentCalls components, List<ClusterNodes.Node> nodes) {
        this.components = components;
        nodes.forEach(node -> configured.put(node.name(), node));
    }

    /**
     * @param spec a job's request, naming a reservation
     * @throws SssException {@code bad-value} saying why the job could never run in it; {@code not-registered} when
     *                      no scheduler runs; the scheduler's failure otherwise
     */
    void check(Job.JobSpec spec) throws SssException {
        String name = spec.reservation();
        ReservationType reservation = lookUp(name);
        if (spec.walltime() <= 0) {
            throw SssException.badValue("reservation " + name + ": a job in a reservation needs a walltime (qsub -l "
                    + "walltime=, sbatch -t) to end inside its window");
        }
        Set<String> users = Words.set(reservation.getUsers());
        if (!users.contains(spec.user())) {
            throw SssException.badValue("reservation " + name + " is not " + spec.user() + "'s");
        }
        Instant from = reservation.getStart().isAfter(Instant.now()) ? reservation.getStart() : Instant.now();
        Duration left = Duration.between(from, reservation.getEnd());
        if (Duration.ofSeconds(spec.walltime()).compareTo(left) > 0) {
            throw SssException.badValue("reservation " + name + " ends at " + reservation.getEnd() + ": the job's "
                    + "walltime of " + spec.walltime() + " s would outlast it");
        }
        Set<String> reserved = Words.set(reservation.getNodes());
        NodeChoice choice = spec.nodeChoice();
        for (String node : choice.required()) {
            if (!reserved.contains(node)) {
                throw SssException.badValue("reservation " + name + " does not hold node " + node
                        + ", which the job requires");
            }
        }
        int able = 0;
        for (String node : reserved) {
            ClusterNodes.Node known = configured.get(node);
            if (!choice.excluded().contains(node)
                    && (known == null || known.holds(spec.ppn(), choice.features(), choice.gpus()))) {
                able++;
            }
        }
        if (able < spec.nodes()) {
            throw SssException.badValue("reservation " + name + " holds " + able + " node(s) that could hold the job"
                    + " (not excluded, " + spec.ppn() + " slot(s)" + (choice.features().isEmpty() ? ""
                    : ", feature(s) " + String.join(" ", choice.features())) + (choice.gpus() > 0
                    ? ", " + choice.gpus() + " GPU(s)" : "") + "); the job asks for " + spec.nodes());
        }
    }

    private ReservationType lookUp(String name) throws SssException {
        ReservationListType query = new ReservationListType();
        ReservationListType.Reservation wanted = new ReservationListType.Reservation();
        wanted.setId(name);
        query.getReservation().add(wanted);
        List<ReservationType> found;
        try {
            found = components.call(SCHEDULER, FACTORY.createReservationQuery(query), Reservations.class)
                    .getReservation();
        } catch (SssException e) {
            if (e.code() == ErrorCode.NOT_REGISTERED) {
                throw new SssException(ErrorCode.NOT_REGISTERED, "reservation " + name
                        + ": reservations are the scheduler's, and no scheduler is running");
            }
            throw e;
        }
        return found.stream().filter(r -> name.equals(r.getId())).findFirst()
                .orElseThrow(() -> SssException.badValue("reservation " + name
                        + " does not exist (sssadmin res list shows the reservations)"));
    }
}
