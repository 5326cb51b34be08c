package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connects as a uid without a passwd entry, from a separate JVM started through {@code setpriv}, with a client
 * written from the wire description using the JDK alone (as the sssjob CLI does). Needs root and setpriv; skipped
 * otherwise.
 */
@Timeout(120)
@EnabledIf("rootWithSetpriv")
class LocalOtherUserTest {
    private static final String UID = "54321";
    private static final String CLIENT = """
            import java.io.*;
            import java.net.UnixDomainSocketAddress;
            import java.nio.channels.*;
            import java.nio.charset.StandardCharsets;

            public class Client {
                public static void main(String[] args) throws IOException {
                    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
                        OutputStream out = Channels.newOutputStream(channel);
                        InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
                        byte[] request = args[1].getBytes(StandardCharsets.UTF_8);
                        out.write((request.length + " ").getBytes(StandardCharsets.US_ASCII));
                        out.write(request);
                        long length = 0;
                        for (int b = in.read(); b != ' '; b = in.read()) {
                            if (b < '0' || b > '9') throw new IOException("bad reply frame");
                            length = length * 10 + (b - '0');
                        }
                        System.out.print(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    static boolean rootWithSetpriv() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    @Test
    void aUserWithoutAPasswdEntryIsServedAsItsUidNumber() throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path source = Files.writeString(dir.resolve("Client.java"), CLIENT);
        Path socket = dir.resolve("qm.sock");
        try (LocalFixture fixture = LocalFixture.start(socket)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process client = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid", UID, "--regid", UID,
                    "--clear-groups", java, "-XX:-UsePerfData", "-Xshare:auto", source.toString(), socket.toString(),
                    LocalFixture.GET))
                    .redirectErrorStream(true).start();
            client.getOutputStream().close();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("<component>" + UID + "</component>").contains("<host>USER</host>")
                    .contains("<protocol>local:" + UID + "</protocol>");
            assertThat(fixture.mapped).singleElement().satisfies(peer -> {
                assertThat(peer.user().getName()).isEqualTo(UID);
                assertThat(peer.group().getName()).isEqualTo(UID);
            });
        }
    }
}
