package org.sss.lib.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sss-status --key-files}: what {@code sss keys} makes and checks, read from a file whose keys do not exist yet. */
class KeyFilesTest {
    @TempDir
    Path dir;

    private Path config(String components) throws IOException {
        Path file = dir.resolve("etc/sss.xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <sss cluster="t" var="/var/lib/sss">
                  <security client-key="suite">
                    <key name="suite" file="keys/suite.key" role="component"/>
                    <key name="admin" file="/etc/sss/keys/admin.key" role="admin"/>
                  </security>
                """ + components + "\n</sss>\n");
        return file;
    }

    private String run(Path file, int expectedStatus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SuiteStatusMain.run(new String[] {"--config", file.toString(), "--key-files"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedStatus);
        return expectedStatus == 0 ? out.toString(StandardCharsets.UTF_8) : err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aHeadListsEveryKeyItsComponentsReadWithoutNeedingThemToExist() throws IOException {
        Path file = config("""
                <service-directory host="head1" port="7700"/>
                <event-manager host="head1" port="7701"/>
                <ring secret="keys/mpd.conf"><mpd address="node1:7710"/></ring>
                <process-manager host="head1" port="7702"/>
                <scheduler host="head1" port="7704"/>
                <web host="head1" port="7705" viewer-key="keys/viewer.key"/>
                """);
        Path keys = dir.resolve("etc/keys");
        assertThat(run(file, 0).lines()).containsExactly(
                "components service-directory event-manager process-manager scheduler web",
                "key suite component " + keys.resolve("suite.key"),
                "key admin admin /etc/sss/keys/admin.key",
                "viewer-key " + keys.resolve("viewer.key"),
                "ring-secret " + keys.resolve("mpd.conf") + " process-manager web");
    }

    @Test
    void aHostThatOnlyPointsAtTheDirectoryRunsNoneOfItAndReadsNoRingSecret() throws IOException {
        Path file = config("""
                <service-directory host="head1" port="7700" remote="true"/>
                <queue-manager host="login1" port="7706"/>
                """);
        assertThat(run(file, 0).lines()).first().isEqualTo("components queue-manager");
        assertThat(run(file, 0)).doesNotContain("ring-secret").doesNotContain("viewer-key");
    }

    @Test
    void anInvalidFileIsOneLineNamingItsLine() throws IOException {
        Path file = config("<service-directory host=\"head1\" port=\"77x0\"/>");
        assertThat(run(file, 2).strip()).contains("sss.xml:7").doesNotContain("\n");
    }
}
