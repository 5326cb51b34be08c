package org.sss.mpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The modes by name, and auto decided by whether something answers at munged's socket. */
class PmixSecurityTest {
    @Test
    void modesAreParsedByNameAndABadOneSaysWhichAreAllowed() {
        assertThat(PmixSecurity.parse("munge")).isEqualTo(PmixSecurity.MUNGE);
        assertThat(PmixSecurity.parse("AUTO")).isEqualTo(PmixSecurity.AUTO);
        assertThat(PmixSecurity.NATIVE.option()).isEqualTo("native");
        assertThatThrownBy(() -> PmixSecurity.parse("kerberos")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--pmix-security is auto, munge or native, not kerberos");
    }

    @Test
    void autoIsMungeOnlyWhenMungedAnswers(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("munge.socket.2");
        assertThat(PmixSecurity.AUTO.resolve(socket)).isEqualTo(PmixSecurity.NATIVE);
        assertThat(PmixSecurity.MUNGE.resolve(socket)).as("munge is asked for, whatever answers")
                .isEqualTo(PmixSecurity.MUNGE);
        try (ServerSocketChannel munged = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            munged.bind(UnixDomainSocketAddress.of(socket));
            assertThat(PmixSecurity.AUTO.resolve(socket)).isEqualTo(PmixSecurity.MUNGE);
            assertThat(PmixSecurity.NATIVE.resolve(socket)).isEqualTo(PmixSecurity.NATIVE);
        }
    }
}
