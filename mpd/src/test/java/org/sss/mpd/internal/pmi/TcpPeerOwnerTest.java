package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sss.mpd.internal.Posix;

/** The owner of a connection's other end, read from the kernel's socket tables. */
class TcpPeerOwnerTest {
    private static final List<String> TABLE = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1",
            "   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1",
            "   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00000FAB 00000000     0        0 0 3 0");

    @Test
    void theClientsRowIsReadNotTheServersAndOnlyWhileEstablished() {
        assertThat(TcpPeerOwner.find(TABLE, "0100007F:9C40", "0100007F:1F90")).hasValue(1000);
        assertThat(TcpPeerOwner.find(TABLE, "0100007F:1F90", "0100007F:9C40")).as("the server's own row, the other way")
                .hasValue(0);
        assertThat(TcpPeerOwner.find(TABLE, "0100007F:9C41", "0100007F:1F90")).as("TIME_WAIT says uid 0: not trusted")
                .isEmpty();
        assertThat(TcpPeerOwner.find(TABLE, "0100007F:9C42", "0100007F:1F90")).isEmpty();
    }

    @Test
    void endpointsAreWrittenAsTheKernelWritesThem() {
        assumeThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(TcpPeerOwner.endpoint(new byte[] {127, 0, 0, 1}, 8080)).isEqualTo("0100007F:1F90");
        assertThat(TcpPeerOwner.endpoint(new byte[] {(byte) 192, (byte) 168, 1, 20}, 40000)).isEqualTo("1401A8C0:9C40");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertThat(TcpPeerOwner.endpoint(mapped, 1)).isEqualTo("0000000000000000FFFF00000100007F:0001");
    }

    @Test
    void aLoopbackConnectionOfThisProcessIsThisUsers() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(TcpPeerOwner.of(accepted)).hasValue(Posix.uid());
            client.close();
        }
    }

    @Test
    void aConnectionMadeByAnotherUserIsThatUsers() throws Exception {
        assumeThat(Posix.uid()).as("root, to connect as nobody").isZero();
        assumeThat(java.nio.file.Path.of("/usr/sbin/runuser")).isExecutable();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Process other = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; id -u; head -c 1 <&3").start();
            server.setSoTimeout(30_000);
            try (Socket accepted = server.accept()) {
                String uid = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                OptionalInt owner = TcpPeerOwner.of(accepted);
                accepted.getOutputStream().write('x');
                assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(Integer.parseInt(uid)).isNotZero();
                assertThat(owner).hasValue(Integer.parseInt(uid));
            } finally {
                other.destroyForcibly();
            }
        }
    }
}
