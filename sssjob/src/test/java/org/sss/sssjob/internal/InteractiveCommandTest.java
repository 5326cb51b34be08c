package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractiveCommandTest {
    @Test
    void theScriptRunsSssPtyBackToQsubWithTheTokenInItsEnvironmentOnly() {
        String script = InteractiveCommand.script(Path.of("/opt/sss it/sss-pty"), "ab12", "login1", 4242, "screen-256color");
        assertThat(script).startsWith("#!/bin/sh\n").endsWith(
                "SSS_PTY_TOKEN=ab12 TERM=screen-256color exec '/opt/sss it/sss-pty' 'login1' 4242\n");
    }

    @Test
    void aStrangeTermBecomesXterm() {
        assertThat(InteractiveCommand.script(Path.of("/p"), "t", "h", 1, "x; rm -rf ~")).contains(" TERM=xterm exec ");
        assertThat(InteractiveCommand.script(Path.of("/p"), "t", "h", 1, null)).contains(" TERM=xterm exec ");
    }

    @Test
    void refusesX11AndAScriptBeforeSubmittingAnything() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Invocation invocation = new Invocation("qsub", Map.of("SSS_QM_SOCKET", "/nonexistent/qm.sock"), Path.of("/"),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(org.sss.sssjob.SssjobMain.run(invocation, List.of("-I", "-X"))).isEqualTo(ExitStatus.USAGE);
        assertThat(org.sss.sssjob.SssjobMain.run(invocation, List.of("-I", "job.sh"))).isEqualTo(ExitStatus.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "qsub: -X: X11 forwarding is not supported: an interactive job gets a terminal, not a display",
                "qsub: -I takes no script: the job is a login shell on its first node (unexpected job.sh)");
    }

    @Test
    void aStrangersResetConnectionIsRefusedAndSssPtysIsTakenAfterIt() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Invocation invocation = new Invocation("qsub", Map.of(), Path.of("/"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(250);
            java.net.Socket stranger = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort());
            stranger.setSoLinger(true, 0);
            stranger.close(); // a reset
            try (java.net.Socket pty = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort())) {
                Thread ptyEnd = Thread.ofVirtual().start(() -> ptySide(pty, "ab12"));
                java.net.Socket taken = null;
                for (int tick = 0; tick < 20 && taken == null; tick++) {
                    taken = InteractiveCommand.acceptPeer(listener, "ab12", invocation, "7.login1");
                }
                ptyEnd.join();
                assertThat(taken).as("sss-pty's connection, after the stranger's").isNotNull();
                assertThat(taken.getPort()).isEqualTo(pty.getLocalPort());
                assertThat(taken.getKeepAlive()).as("a silent node is found gone").isTrue();
                assertThat(taken.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
                assertThat(taken.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
                assertThat(taken.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(6);
                taken.close();
            }
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused a connection from");
    }

    /** sss-pty's half of the handshake, as sss-pty.c does it. */
    private static void ptySide(java.net.Socket pty, String token) {
        try {
            java.io.OutputStream out = pty.getOutputStream();
            String np = "0123456789abcdef0123456789abcdef";
            out.write(("sss-pty 2 " + np + "\n").getBytes(StandardCharsets.US_ASCII));
            String[] answer = new java.io.BufferedReader(new java.io.InputStreamReader(pty.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().split(" ");
            assertThat(answer[2]).as("qsub proves the token").isEqualTo(PtyHandshake.mac(token, "qsub " + np + " " + answer[1]));
            out.write(("sss-pty " + PtyHandshake.mac(token, "sss-pty " + answer[1] + " " + np) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPeerThatCannotProveTheTokenIsRefusedEvenWithItsHelloAndTheTokenGoesNowhere() throws Exception {
        java.io.ByteArrayOutputStream toPeer = new java.io.ByteArrayOutputStream();
        String np = "0123456789abcdef0123456789abcdef";
        String fromPeer = "sss-pty 2 " + np + "\nsss-pty " + "0".repeat(64) + "\n";
        assertThat(PtyHandshake.accept(new ByteArrayInputStream(fromPeer.getBytes(StandardCharsets.US_ASCII)), toPeer,
                "secret-token")).isEqualTo("its proof of the job's token is wrong");
        assertThat(toPeer.toString(StandardCharsets.US_ASCII)).as("what qsub sent").doesNotContain("secret-token")
                .matches("qsub [0-9a-f]{32} [0-9a-f]{64}\n");
        assertThat(PtyHandshake.accept(new ByteArrayInputStream("sss-pty 1 secret-token\n".getBytes(StandardCharsets.US_ASCII)),
                new java.io.ByteArrayOutputStream(), "secret-token")).as("the old hello, the token in clear")
                .isEqualTo("it did not greet as sss-pty does");
    }

    @Test
    void theMacsAreHmacSha256AsSssPtyComputesThem() {
        assertThat(PtyHandshake.mac("key", "The quick brown fox jumps over the lazy dog"))
                .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }
}
