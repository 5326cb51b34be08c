package org.sss.queuemanager.internal;

import java.util.List;
import java.util.Set;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ReservationListType;
import org.sss.schema.ReservationType;
import org.sss.schema.Reservations;

/**
 * Whether a job may run in an advance reservation ({@code qsub -l advres=res1}, {@code sbatch --reservation=res1}), as
 * the scheduler, which keeps the reservations, has it at submission: the reservation exists, the job's owner is one of
 * its users, and it has at least as many nodes as the job asks. The scheduler places the job inside it afterwards.
 */
final class ReservationCheck {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final String SCHEDULER = "scheduler";
    private final ComponentCalls components;

    /** @param components how to reach the scheduler */
    ReservationCheck(ComponentCalls components) {
        this.components = components;
    }

    /**
     * @param name  the reservation the job names
     * @param user  the job's owner
     * @param nodes how many nodes the job asks
     * @throws SssException {@code bad-value} when it does not exist, is too small for the job, or is not the user's;
     *                      {@code not-registered} naming the scheduler when none runs; the scheduler's failure
     *                      otherwise
     */
    void check(String name, String user, int nodes) throws SssException {
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
        ReservationType reservation = found.stream().filter(r -> name.equals(r.getId())).findFirst()
                .orElseThrow(() -> SssException.badValue("reservation " + name
                        + " does not exist (sssadmin res list shows the reservations)"));
        Set<String> users = Words.set(reservation.getUsers());
        if (!users.contains(user)) {
            throw SssException.badValue("reservation " + name + " is not " + user + "'s (its users: "
                    + String.join(" ", users) + ")");
        }
        int size = Words.set(reservation.getNodes()).size();
        if (nodes > size) {
            throw SssException.badValue("reservation " + name + " holds " + size + " node(s); the job asks for " + nodes);
        }
    }
}
