package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;

/** The seed's own process-manager examples (requests and replies) validate against the suite's schemas. */
class SeedExamplesTest {
    private final MessageCodec codec = MessageCodec.messages();

    static byte[] seed(String name) throws IOException {
        try (InputStream in = SeedExamplesTest.class.getResourceAsStream("/seed/" + name)) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-create-process-group.xml", "01-reply-process-group.xml", "02-get-process-group-info.xml",
            "02-reply-process-groups.xml", "03-kill-process-group.xml", "03-reply-process-groups.xml"})
    void validatesUnchanged(String example) throws IOException, SssException {
        Object decoded = codec.decode(seed(example));
        String root = codec.rootName(decoded);
        assertThat(example).contains(root);
        assertThat(codec.encode(decoded)).isNotEmpty();
    }
}
