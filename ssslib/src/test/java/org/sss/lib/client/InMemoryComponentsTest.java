package org.sss.lib.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Events;
import org.sss.schema.AddEvent;
import org.sss.schema.EventOk;
import org.sss.schema.EventType;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;
import org.sss.schema.RegistrationEventType;
import org.sss.schema.SuiteEvent;

/** The in-memory components the components' unit tests call each other through: bytes both ways, errors as the wire's. */
class InMemoryComponentsTest {
    private final InMemoryComponents components = new InMemoryComponents();

    private static GetLocation lookup(String component) {
        GetLocation request = new GetLocation();
        LocationType location = new LocationType();
        location.setComponent(component);
        request.getLocation().add(location);
        return request;
    }

    @Test
    void aCallGoesToTheComponentsHandlerAsBytesAndComesBackDecoded() throws SssException {
        components.stub("service-directory").register("get-location", GetLocation.class, (request, context) -> {
            Locations reply = new Locations();
            LocationType found = new LocationType();
            found.setComponent(request.getLocation().getFirst().getComponent());
            found.setHost(context.principal().name());
            reply.getLocation().add(found);
            return reply;
        });
        Locations reply = components.call("service-directory", lookup("qm"), Locations.class);
        assertThat(reply.getLocation()).singleElement().satisfies(location -> {
            assertThat(location.getComponent()).isEqualTo("qm");
            assertThat(location.getHost()).as("the caller is a component").isEqualTo("suite");
        });
        assertThat(components.requestsTo("service-directory"))
                .containsExactly("<get-location><location><component>qm</component></location></get-location>");
    }

    @Test
    void errorsAndAbsentComponentsAreThrownAsOverTheWire() {
        components.stub("service-directory");
        assertThatThrownBy(() -> components.call("service-directory", new AddEvent(), EventOk.class))
                .isInstanceOfSatisfying(SssException.class,
                        e -> assertThat(e.code()).as("an invalid request is never sent").isEqualTo(ErrorCode.INTERNAL_ERROR));
        assertThatThrownBy(() -> components.call("service-directory", lookup("qm"), Locations.class))
                .isInstanceOfSatisfying(RemoteErrorException.class,
                        e -> assertThat(e.wireCode()).isEqualTo("unsupported-operation"));
        assertThatThrownBy(() -> components.call("event-manager", lookup("qm"), Locations.class))
                .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void recordedEventsAreKeptInOrder() throws SssException {
        List<EventType> events = components.recordEvents();
        RegistrationEventType registration = new RegistrationEventType();
        registration.setComponent("qm");
        AddEvent request = new AddEvent();
        request.getEvent().add(Events.registration(SuiteEvent.COMPONENT_UP, registration));
        assertThat(components.call("event-manager", request, EventOk.class).getSeq()).isEqualTo(1);
        assertThat(events).extracting(EventType::getMsg).containsExactly("component-up");
    }
}
