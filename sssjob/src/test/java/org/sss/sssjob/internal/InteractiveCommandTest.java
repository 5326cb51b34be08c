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
        byte[] expected = "sss-pty 1 ab12".getBytes(StandardCharsets.US_ASCII);
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(250);
            java.net.Socket stranger = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort());
            stranger.setSoLinger(true, 0);
            stranger.close(); // a reset
            try (java.net.Socket pty = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort())) {
                pty.getOutputStream().write("sss-pty 1 ab12\n".getBytes(StandardCharsets.US_ASCII));
                java.net.Socket taken = null;
                for (int tick = 0; tick < 20 && taken == null; tick++) {
                    taken = InteractiveCommand.acceptPeer(listener, expected, invocation, "7.login1");
                }
                assertThat(taken).as("sss-pty's connection, after the stranger's").isNotNull();
                assertThat(taken.getPort()).isEqualTo(pty.getLocalPort());
                taken.close();
            }
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("refused a connection from");
    }
}
