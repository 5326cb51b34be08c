package org.sss.lib.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.schema.GetLocation;

class HostileInputTest {
    private final MessageCodec codec = MessageCodec.messages();

    static List<Arguments> corpus() {
        return HostileCorpus.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyHostileMessageIsRefusedWithItsCodeAndLeaksNothing(String name, byte[] payload, ErrorCode expected) {
        assertThatThrownBy(() -> codec.decode(payload))
                .isInstanceOfSatisfying(SssException.class, e -> {
                    assertThat(e.code()).isEqualTo(expected);
                    assertThat(e.getMessage()).doesNotContain("root:x:0:0").doesNotContain("\n");
                });
    }

    @Test
    void theCodecStillDecodesAfterEveryHostileMessage() throws SssException {
        for (Arguments arguments : corpus()) {
            assertThatThrownBy(() -> codec.decode((byte[]) arguments.get()[1])).isInstanceOf(SssException.class);
            Object ok = codec.decode("<get-location><location><component>*</component></location></get-location>"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(ok).isInstanceOf(GetLocation.class);
        }
    }

    @Test
    void aSchemaLocationHintIsNeverFetched() throws IOException, SssException {
        try (ServerSocket trap = new ServerSocket(0)) {
            trap.setSoTimeout(300);
            String xml = "<get-location xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                    + "xsi:noNamespaceSchemaLocation=\"http://127.0.0.1:" + trap.getLocalPort() + "/evil.xsd\">"
                    + "<location><component>*</component></location></get-location>";
            assertThat(codec.decode(xml.getBytes(StandardCharsets.UTF_8))).isInstanceOf(GetLocation.class);
            assertThatThrownBy(trap::accept).as("nobody connected to the hinted address")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void limitsJustInsideTheBoundsAreAccepted() throws SssException {
        MessageCodec tight = new MessageCodec(XmlBinding.messages(), new XmlLimits(3, 6, 10));
        assertThat(tight.decode("<get-location><location component=\"0123456789\"><host>*</host></location></get-location>"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(GetLocation.class);
        assertThatThrownBy(() -> tight.decode("<get-location><location component=\"01234567890\"/></get-location>"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("more than 10");
    }

    @Test
    void theDepthLimitStopsNestingBeforeValidationSeesIt() {
        MessageCodec shallow = new MessageCodec(XmlBinding.messages(), new XmlLimits(1, 10, 100));
        assertThatThrownBy(() -> shallow.decode(HostileCorpus.deepNesting(10_000)))
                .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED))
                .hasMessageContaining("deeper than 1");
    }

    @Test
    void aSchemaErrorNamesTheFieldAndItsPosition() {
        assertThatThrownBy(() -> codec.decode("<add-location><location><component>q</component><port>eighty</port></location></add-location>"
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("line 1")
                .hasMessageContaining("eighty")
                .hasMessageContaining("port");
    }
}
