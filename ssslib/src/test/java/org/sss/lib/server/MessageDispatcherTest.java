package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.AddLocation;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

/** Message handling without sockets: bytes in, bytes out. */
class MessageDispatcherTest {
    private static final RequestContext CONTEXT = new RequestContext("test", new Principal("suite", Role.COMPONENT, null), "memory");
    private final MessageDispatcher dispatcher = new MessageDispatcher(MessageCodec.messages());

    private String handle(String xml) {
        return new String(dispatcher.handle(xml.getBytes(StandardCharsets.UTF_8), CONTEXT), StandardCharsets.UTF_8);
    }

    @Test
    void dispatchesOnTheRootElementAndEncodesTheReply() {
        dispatcher.register("get-location", GetLocation.class, (request, context) -> {
            Locations reply = new Locations();
            LocationType location = new LocationType();
            location.setComponent(request.getLocation().getFirst().getComponent() + "-seen-by-" + context.principal().name());
            reply.getLocation().add(location);
            return reply;
        });
        assertThat(handle("<get-location><location><component>x</component></location></get-location>"))
                .isEqualTo("<locations><location><component>x-seen-by-suite</component></location></locations>");
    }

    @Test
    void aValidMessageThisComponentDoesNotServeIsUnsupported() {
        assertThat(handle("<add-event><event component=\"c\" msg=\"m\"/></add-event>"))
                .contains("type=\"Semantic\"").contains("code=\"unsupported-operation\"").contains("add-event");
    }

    @Test
    void aHandlersRefusalTravelsWithItsCode() {
        dispatcher.register("add-location", AddLocation.class, (request, context) -> {
            throw SssException.notFound("no such thing");
        });
        assertThat(handle("<add-location><location component=\"c\"/></add-location>"))
                .isEqualTo("<error type=\"Data\" code=\"not-found\" msg=\"no such thing\"/>");
    }

    @Test
    void aHandlerBugIsAnInternalErrorWithoutDetails() {
        dispatcher.register("add-location", AddLocation.class, (request, context) -> {
            throw new IllegalStateException("secret internal detail");
        });
        assertThat(handle("<add-location><location component=\"c\"/></add-location>"))
                .contains("code=\"internal-error\"").doesNotContain("secret internal detail");
    }

    @Test
    void aReplyThatDoesNotValidateIsNeverSent() {
        dispatcher.register("get-location", GetLocation.class, (request, context) -> new GetLocation());
        assertThat(handle("<get-location><location/></get-location>")).contains("code=\"internal-error\"");
    }

    @Test
    void mauiAndGoldFormsOfALocationBothDecode() throws SssException {
        MessageCodec codec = MessageCodec.messages();
        AddLocation maui = (AddLocation) codec.decode(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><add-location><location>\n"
                + "<component>scheduler</component>\n<host>h1</host>\n<port>40559</port>\n<protocol>challenge</protocol>\n"
                + "<schema_version>1234</schema_version>\n<tier>1</tier>\n</location></add-location>").getBytes(StandardCharsets.UTF_8));
        AddLocation gold = (AddLocation) codec.decode(("<add-location><location component=\"allocation-manager\" host=\"h2\" "
                + "port=\"7112\" protocol=\"SSSRMAP\"/></add-location>").getBytes(StandardCharsets.UTF_8));
        var m = org.sss.lib.client.Location.from(maui.getLocation().getFirst());
        var g = org.sss.lib.client.Location.from(gold.getLocation().getFirst());
        assertThat(m.component()).isEqualTo("scheduler");
        assertThat(m.port()).isEqualTo("40559");
        assertThat(m.schemaVersion()).isEqualTo("1234");
        assertThat(g.component()).isEqualTo("allocation-manager");
        assertThat(g.host()).isEqualTo("h2");
        assertThat(g.protocol()).isEqualTo("SSSRMAP");
    }
}
