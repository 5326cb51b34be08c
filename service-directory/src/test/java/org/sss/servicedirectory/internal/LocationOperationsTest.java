package org.sss.servicedirectory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;

/** The directory's operations, message in and message out, without sockets. */
class LocationOperationsTest {
    private static final RequestContext COMPONENT = new RequestContext("service-directory",
            new Principal("suite", Role.COMPONENT, null), "memory");
    private static final RequestContext ALICE = new RequestContext("service-directory",
            new Principal("alice", Role.USER, "alice"), "memory");

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final LocationTable table = new LocationTable(Duration.ofSeconds(180));
    private final MessageDispatcher dispatcher = new MessageDispatcher(MessageCodec.messages());

    LocationOperationsTest() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        new LocationOperations(table, event -> events.add(line(event)), clock).registerOn(dispatcher);
    }

    /** An event as "component msg host:port[ reason]", read from its typed registration. */
    static String line(org.sss.schema.EventType event) {
        org.sss.schema.RegistrationEventType registration = event.getRegistration();
        return event.getComponent() + " " + event.getMsg() + " " + registration.getHost() + ":" + registration.getPort()
                + (registration.getReason() == null ? "" : " " + registration.getReason());
    }

    private String send(String xml, RequestContext context) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8);
    }

    @Test
    void mauisAddLocationIsAnsweredWithLocationsAndAnnouncedOnce() {
        String maui = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><add-location><location>\n<component>queue-manager</component>\n"
                + "<host>h</host>\n<port>15004</port>\n<protocol>challenge</protocol>\n<schema_version>1.0</schema_version>\n"
                + "<tier>1</tier>\n</location></add-location>";
        assertThat(send(maui, COMPONENT)).isEqualTo("<locations><location><component>queue-manager</component><host>h</host>"
                + "<port>15004</port><protocol>challenge</protocol><schema_version>1.0</schema_version><tier>1</tier>"
                + "</location></locations>");
        send(maui, COMPONENT);
        assertThat(events).containsExactly("queue-manager component-up h:15004");
    }

    @Test
    void goldsAttributeFormRegistersToo() {
        send("<add-location><location component=\"allocation-manager\" host=\"g\" port=\"7112\" protocol=\"SSSRMAP\"/>"
                + "</add-location>", COMPONENT);
        assertThat(send("<get-location><location component=\"allocation-manager\" host=\"*\" port=\"*\" protocol=\"*\"/>"
                + "</get-location>", ALICE))
                .isEqualTo("<locations><location><component>allocation-manager</component><host>g</host><port>7112</port>"
                        + "<protocol>SSSRMAP</protocol></location></locations>");
    }

    @Test
    void getLocationReturnsOnlyTheFieldsAskedFor() {
        send("<add-location><location><component>qm</component><host>h</host><port>1</port></location></add-location>", COMPONENT);
        send("<add-location><location><component>em</component><host>h</host><port>2</port></location></add-location>", COMPONENT);
        assertThat(send("<get-location><location><component>*</component></location></get-location>", ALICE))
                .as("newest registration first")
                .isEqualTo("<locations><location><component>em</component></location><location><component>qm</component>"
                        + "</location></locations>");
        assertThat(send("<get-location><location><component>em</component><port>*</port></location></get-location>", ALICE))
                .isEqualTo("<locations><location><component>em</component><port>2</port></location></locations>");
    }

    @Test
    void delLocationRemovesAndAnnounces() {
        send("<add-location><location><component>qm</component><host>h</host><port>1</port></location></add-location>", COMPONENT);
        assertThat(send("<del-location><location><component>qm</component><host>h</host><port>1</port></location></del-location>",
                COMPONENT)).contains("<component>qm</component>");
        assertThat(table.size()).isZero();
        assertThat(events).containsExactly("qm component-up h:1", "qm component-down h:1 deregistered");
    }

    @Test
    void usersMayLookButNotRegisterOrRemove() {
        assertThat(send("<add-location><location><component>qm</component><host>h</host><port>1</port></location></add-location>",
                ALICE)).contains("code=\"permission-denied\"").contains("type=\"Semantic\"");
        assertThat(send("<del-location><location><component>*</component></location></del-location>", ALICE))
                .contains("code=\"permission-denied\"");
        assertThat(table.size()).isZero();
    }

    @Test
    void incompleteOrWildcardRegistrationsAreRefusedAsData() {
        assertThat(send("<add-location><location><component>qm</component><host>h</host></location></add-location>", COMPONENT))
                .contains("type=\"Data\"").contains("code=\"bad-value\"").contains("numeric port");
        assertThat(send("<add-location><location><component>*</component><host>h</host><port>1</port></location></add-location>",
                COMPONENT)).contains("code=\"bad-value\"");
        assertThat(send("<add-location><location><component>qm</component><host>h</host><port>0</port></location></add-location>",
                COMPONENT)).contains("out of range");
        assertThat(send("<add-location><location><component>qm</component><host>h</host><port>*</port></location></add-location>",
                COMPONENT)).contains("code=\"bad-value\"");
        assertThat(table.size()).isZero();
    }
}
