package org.sss.lib.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.schema.AddEvent;
import org.sss.schema.EventType;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

class EncodeRoundTripTest {
    private final MessageCodec codec = MessageCodec.messages();

    @Test
    void awkwardCharactersInAttributesAndTextSurviveEncodingAndDecoding() throws SssException {
        String nasty = "a&b<c>d\"e'f\tg\nh\ri ü €  𝄞 ]]>";
        AddEvent request = new AddEvent();
        EventType event = new EventType();
        event.setComponent("c");
        event.setMsg("m");
        event.setData(nasty);
        event.setTime(Instant.parse("2026-01-02T03:04:05.678Z"));
        request.getEvent().add(event);
        AddEvent back = (AddEvent) codec.decode(codec.encode(request));
        assertThat(back.getEvent().getFirst().getData()).isEqualTo(nasty);
        assertThat(back.getEvent().getFirst().getTime()).isEqualTo(Instant.parse("2026-01-02T03:04:05.678Z"));

        Locations locations = new Locations();
        LocationType location = new LocationType();
        location.setComponent(nasty.replace("\r", ""));
        locations.getLocation().add(location);
        Locations decoded = (Locations) codec.decode(codec.encode(locations));
        assertThat(decoded.getLocation().getFirst().getComponent()).isEqualTo(nasty.replace("\r", ""));
    }

    @Test
    void encodingIsCompactUtf8WithEmptyElementsClosed() throws SssException {
        Locations empty = new Locations();
        assertThat(new String(codec.encode(empty), StandardCharsets.UTF_8)).isEqualTo("<locations/>");
    }

    @Test
    void anInvalidOutgoingMessageIsRefusedAndTheCodecStillEncodesAfterwards() throws SssException {
        EventType incomplete = new EventType();
        AddEvent request = new AddEvent();
        request.getEvent().add(incomplete);
        assertThatThrownBy(() -> codec.encode(request))
                .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("add-event");
        assertThat(new String(codec.encode(new Locations()), StandardCharsets.UTF_8)).isEqualTo("<locations/>");
    }

    @Test
    void xml11IsRefusedSoNoControlCharacterGetsIn() {
        byte[] xml11 = ("<?xml version=\"1.1\"?><add-event><event component=\"c\" msg=\"m\" data=\"x&#x1;y\"/>"
                + "</add-event>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(xml11)).isInstanceOf(SssException.class).hasMessageContaining("XML 1.1");
    }

    @Test
    void aCharacterXml10CannotCarryIsSentAsTheReplacementCharacterAndTheMessageParses() throws SssException {
        AddEvent request = new AddEvent();
        EventType event = new EventType();
        event.setComponent("c\u0001d");
        event.setMsg("m");
        event.setData("x\u0000y\uFFFEz\uD800 \uD834\uDD1E");
        request.getEvent().add(event);
        AddEvent back = (AddEvent) codec.decode(codec.encode(request));
        assertThat(back.getEvent().getFirst().getComponent()).isEqualTo("c\uFFFDd");
        assertThat(back.getEvent().getFirst().getData()).isEqualTo("x\uFFFDy\uFFFDz\uFFFD \uD834\uDD1E");
    }
}
