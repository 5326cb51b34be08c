package org.sss.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.util.Words;
import org.sss.lib.xml.Restriction;
import org.sss.scheduler.internal.plan.Reservation;
import org.sss.schema.ReservationCreate;
import org.sss.schema.ReservationListType;
import org.sss.schema.Reservations;

/**
 * The scheduler's XML operations: {@code reservation-create} and {@code reservation-delete} (components and
 * administrators), {@code reservation-query} (anyone).
 */
public final class SchedulerOperations {
    private final SchedulerService service;

    /** @param service the scheduler */
    public SchedulerOperations(SchedulerService service) {
        this.service = service;
    }

    /** @param dispatcher where to register the operations */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("reservation-create", ReservationCreate.class, this::create);
        dispatcher.register("reservation-query", ReservationListType.class, (request, context) -> query(request));
        dispatcher.register("reservation-delete", ReservationListType.class, this::delete);
    }

    private Reservations create(ReservationCreate request, RequestContext context) throws SssException {
        requireAdmin(context, "create reservations");
        boolean byName = request.getNodes() != null && !request.getNodes().isBlank();
        if (byName == (request.getCount() != null)) {
            throw SssException.badValue("give either nodes or count");
        }
        if (!byName && request.getCount().bitLength() > 20) {
            throw SssException.badValue("count " + request.getCount() + " is larger than any cluster");
        }
        Instant start = request.getStart();
        Instant end = start.plus(Duration.ofSeconds(request.getDuration().longValueExact()));
        Set<String> users = Words.set(request.getUsers());
        if (byName) {
            // A name the node state manager does not know (a typo: n01 for node01) would reserve nothing at all.
            Set<String> known = new java.util.HashSet<>();
            service.nodes().forEach(node -> known.add(node.name()));
            for (String node : Words.set(request.getNodes())) {
                if (!known.contains(node)) {
                    throw SssException.badValue("unknown node " + node + ": the node state manager does not know it");
                }
            }
        }
        Reservation created = byName ? service.reservations().create(Words.set(request.getNodes()), start, end, users)
                : service.reservations().createByCount(request.getCount().intValueExact(), service.nodes(),
                        service.running(), start, end, users);
        service.wake();
        Reservations reply = new Reservations();
        reply.getReservation().add(ReservationBook.toXml(created));
        return reply;
    }

    private Reservations query(ReservationListType request) {
        Reservations reply = new Reservations();
        for (Reservation reservation : service.reservations().all()) {
            for (ReservationListType.Reservation restriction : request.getReservation()) {
                if (Restriction.matches(restriction.getId(), reservation.id())) {
                    reply.getReservation().add(ReservationBook.toXml(reservation));
                    break;
                }
            }
        }
        return reply;
    }

    private Reservations delete(ReservationListType request, RequestContext context) throws SssException {
        requireAdmin(context, "delete reservations");
        Reservations reply = new Reservations();
        for (ReservationListType.Reservation restriction : request.getReservation()) {
            reply.getReservation().add(ReservationBook.toXml(service.reservations().delete(restriction.getId())));
        }
        service.wake();
        return reply;
    }

    private static void requireAdmin(RequestContext context, String what) throws SssException {
        if (!context.principal().isPrivileged()) {
            throw SssException.permissionDenied(context.principal() + " may not " + what + "; administrators do");
        }
    }
}
