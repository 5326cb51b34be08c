package org.sss.servicedirectory.internal;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.Location;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.EventPublisher;
import org.sss.lib.runtime.EventSink;
import org.sss.lib.runtime.Events;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.schema.AddLocation;
import org.sss.schema.DelLocation;
import org.sss.schema.EventType;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;
import org.sss.schema.RegistrationEventType;
import org.sss.schema.SuiteEvent;

/**
 * The directory's three operations. {@code add-location} (components and administrators only) registers or
 * renews complete locations and answers them; {@code del-location} (likewise) removes what matches; {@code
 * get-location} (anyone authenticated) answers matches with the fields asked for. New registrations publish
 * {@code component-up}, removals {@code component-down}.
 */
public final class LocationOperations {
    private static final Logger LOG = LoggerFactory.getLogger(LocationOperations.class);

    private final LocationTable table;
    private final EventSink events;
    private final Clock clock;

    /**
     * @param table  the registrations
     * @param events where component-up and component-down go
     * @param clock  the lease clock
     */
    public LocationOperations(LocationTable table, EventSink events, Clock clock) {
        this.table = table;
        this.events = events;
        this.clock = clock;
    }

    /** @param dispatcher registers the three handlers on it */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("add-location", AddLocation.class, this::add)
                .register("del-location", DelLocation.class, this::delete)
                .register("get-location", GetLocation.class, this::get);
    }

    Locations add(AddLocation request, RequestContext context) throws SssException {
        requirePrivileged(context, "register components");
        List<Location> locations = request.getLocation().stream().map(Location::from).toList();
        for (Location location : locations) {
            check(location);
        }
        Locations reply = new Locations();
        for (Location location : locations) {
            if (table.register(location, clock.instant()) == LocationTable.Change.ADDED) {
                LOG.info("service-directory: {} registered at {}:{} (from {})", location.component(), location.host(),
                        location.port(), context.peer());
                events.publish(registration(SuiteEvent.COMPONENT_UP, location, null));
                if (EventPublisher.EVENT_MANAGER.equals(location.component())) {
                    events.wake();
                }
            }
            reply.getLocation().add(location.toXml());
        }
        return reply;
    }

    Locations delete(DelLocation request, RequestContext context) throws SssException {
        requirePrivileged(context, "remove registrations");
        Locations reply = new Locations();
        for (LocationType restriction : request.getLocation()) {
            for (Location removed : table.remove(Location.from(restriction))) {
                LOG.info("service-directory: {} at {}:{} deregistered (from {})", removed.component(), removed.host(),
                        removed.port(), context.peer());
                events.publish(registration(SuiteEvent.COMPONENT_DOWN, removed, "deregistered"));
                reply.getLocation().add(removed.toXml());
            }
        }
        return reply;
    }

    /**
     * @param name     component-up or component-down
     * @param location the registration
     * @param reason   why it went, or null
     * @return the event announcing it
     */
    static EventType registration(SuiteEvent name, Location location, String reason) {
        RegistrationEventType registration = new RegistrationEventType();
        registration.setComponent(location.component());
        registration.setHost(location.host());
        registration.setPort(location.port() == null ? null : Integer.valueOf(location.port()));
        registration.setReason(reason);
        return Events.registration(name, registration);
    }

    Locations get(GetLocation request, RequestContext context) {
        Set<Location> found = new LinkedHashSet<>();
        for (LocationType xml : request.getLocation()) {
            Location restriction = Location.from(xml);
            for (Location location : table.find(restriction)) {
                found.add(LocationTable.project(restriction, location));
            }
        }
        Locations reply = new Locations();
        found.forEach(location -> reply.getLocation().add(location.toXml()));
        return reply;
    }

    private static void requirePrivileged(RequestContext context, String what) throws SssException {
        if (!context.principal().isPrivileged()) {
            throw SssException.permissionDenied(context.principal() + " may not " + what);
        }
    }

    private static void check(Location location) throws SssException {
        if (isBlank(location.component()) || location.component().contains("*")) {
            throw SssException.badValue("a registration needs a component name without '*'");
        }
        if (isBlank(location.host()) || location.host().contains("*")) {
            throw SssException.badValue("registration of " + location.component() + " needs a host without '*'");
        }
        int port;
        try {
            port = Integer.parseInt(location.port() == null ? "" : location.port());
        } catch (NumberFormatException e) {
            throw SssException.badValue("registration of " + location.component() + " needs a numeric port, got '"
                    + location.port() + "'");
        }
        if (port < 1 || port > 65535) {
            throw SssException.badValue("port " + port + " of " + location.component() + " is out of range 1-65535");
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
