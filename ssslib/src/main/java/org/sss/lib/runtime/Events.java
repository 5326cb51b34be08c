package org.sss.lib.runtime;

import java.time.Instant;
import java.util.Locale;
import org.sss.schema.EventType;
import org.sss.schema.JobType;
import org.sss.schema.NodeStateType;
import org.sss.schema.PgType;
import org.sss.schema.RegistrationEventType;
import org.sss.schema.ReservationType;
import org.sss.schema.SuiteEvent;

/**
 * The suite's events, typed: each is built here with its name from {@link SuiteEvent} (the schema's list, the one
 * place event names are written) and its payload as a generated class, never as free text; consumers read the
 * payload's fields ({@link EventType#getJob()}, …). {@link #describe} makes the one readable line that logs and the
 * dashboard's feed show. Stateless.
 */
public final class Events {
    private Events() {
    }

    /**
     * @param name      the event
     * @param component the component it is from or about
     * @return an event with its name, component and time (now), without a payload yet
     */
    public static EventType of(SuiteEvent name, String component) {
        EventType event = new EventType();
        event.setComponent(component);
        event.setMsg(name.value());
        event.setTime(Instant.now());
        return event;
    }

    /**
     * @param name      a job event
     * @param component the publisher (the queue manager)
     * @param job       the job, as a query reports it
     * @return the event
     */
    public static EventType job(SuiteEvent name, String component, JobType job) {
        EventType event = of(name, component);
        event.setJob(job);
        return event;
    }

    /**
     * @param name      a process group event
     * @param component the publisher (the process manager)
     * @param group     the group's header (no processes, no output)
     * @return the event
     */
    public static EventType processGroup(SuiteEvent name, String component, PgType group) {
        EventType event = of(name, component);
        event.setProcessGroup(group);
        return event;
    }

    /**
     * @param component the publisher (the node state manager)
     * @param node      the node's new state
     * @return a {@code node-state-changed} event
     */
    public static EventType node(String component, NodeStateType node) {
        EventType event = of(SuiteEvent.NODE_STATE_CHANGED, component);
        event.setNode(node);
        return event;
    }

    /**
     * @param name         {@code component-up} or {@code component-down}
     * @param registration the registration that came or went (its component is the event's component)
     * @return the event
     */
    public static EventType registration(SuiteEvent name, RegistrationEventType registration) {
        EventType event = of(name, registration.getComponent());
        event.setRegistration(registration);
        return event;
    }

    /**
     * @param name        a reservation event
     * @param component   the publisher (the scheduler)
     * @param reservation the reservation
     * @return the event
     */
    public static EventType reservation(SuiteEvent name, String component, ReservationType reservation) {
        EventType event = of(name, component);
        event.setReservation(reservation);
        return event;
    }

    /**
     * @param event an event
     * @return its name as one of the suite's events, or null for another publisher's
     */
    public static SuiteEvent name(EventType event) {
        for (SuiteEvent known : SuiteEvent.values()) {
            if (known.value().equals(event.getMsg())) {
                return known;
            }
        }
        return null;
    }

    /**
     * @param event an event
     * @return one readable line of what it says (its free-text data when it has no typed payload)
     */
    public static String describe(EventType event) {
        if (event.getJob() != null) {
            return job(event.getJob());
        }
        if (event.getProcessGroup() != null) {
            return processGroup(event.getProcessGroup());
        }
        if (event.getNode() != null) {
            NodeStateType node = event.getNode();
            return "node " + node.getName() + " " + node.getState().value() + reason(node.getReason());
        }
        if (event.getRegistration() != null) {
            RegistrationEventType registration = event.getRegistration();
            return registration.getComponent() + " at " + registration.getHost() + ":" + registration.getPort()
                    + reason(registration.getReason());
        }
        if (event.getReservation() != null) {
            ReservationType reservation = event.getReservation();
            return "reservation " + reservation.getId() + " of " + reservation.getNodes() + " for " + reservation.getUsers()
                    + ", " + reservation.getStart() + " to " + reservation.getEnd();
        }
        return event.getData() == null ? "" : event.getData();
    }

    private static String job(JobType job) {
        StringBuilder line = new StringBuilder("job ").append(job.getId());
        if (job.getUser() != null) {
            line.append(" of ").append(job.getUser());
        }
        if (job.getQueue() != null) {
            line.append(" in ").append(job.getQueue());
        }
        if (job.getState() != null) {
            line.append(", ").append(job.getState().value());
        }
        if (job.getAllocated() != null && !job.getAllocated().isBlank()) {
            line.append(" on ").append(job.getAllocated());
        }
        if (job.getExitStatus() != null) {
            line.append(", exit status ").append(job.getExitStatus());
        }
        return line.append(reason(job.getReason())).toString();
    }

    private static String processGroup(PgType group) {
        StringBuilder line = new StringBuilder("process group ").append(group.getPgid());
        if (group.getSubmitter() != null) {
            line.append(" of ").append(group.getSubmitter());
        }
        if (group.getSignal() != null) {
            line.append(", signal ").append(group.getSignal());
        }
        if (group.getState() != null) {
            line.append(", ").append(group.getState().value().toLowerCase(Locale.ROOT));
        }
        if (Boolean.FALSE.equals(group.isLaunched())) {
            line.append(" without starting");
        }
        if (group.getExitStatus() != null) {
            line.append(", exit status ").append(group.getExitStatus());
        }
        return line.append(reason(group.getReason())).toString();
    }

    private static String reason(String reason) {
        return reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    }
}
