package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.client.RingMember;

/** Joining and leaving a running ring, jobs on other hosts surviving a loss, and hostile peers. */
class MpdMembershipIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void anMpdJoinsARunningRingAndLeavesItCleanly() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 80)) {
            ForkedComponent third = ring.join(82);
            assertThat(ring.awaitSize(3, Duration.ofSeconds(30))).extracting(RingMember::id).contains("127.0.0.82");
            assertThat(ring.mpiexec("-hosts", "127.0.0.82", "-n", "2", "hostname").exit()).isZero();
            assertThat(third.stop(Duration.ofSeconds(20))).as("a clean stop on SIGTERM").isZero();
            assertThat(ring.awaitSize(2, Duration.ofSeconds(10))).extracting(RingMember::id).doesNotContain("127.0.0.82");
            assertThat(ring.mpiexec("-n", "4", "hostname").lines()).hasSize(4);
        }
    }

    @Test
    void aJobOnOtherHostsIsUntouchedWhenAnMpdDies() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 4, 84)) {
            Process elsewhere = ring.startMpiexec("-hosts", "127.0.0.84,127.0.0.85", "-n", "2", "sh", "-c",
                    "read line; echo finished $PMI_RANK");
            BufferedReader out = new BufferedReader(new InputStreamReader(elsewhere.getInputStream(), StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> ring.mpiexec("-n", "1", "true").exit() == 0);
            ring.mpds().get(3).kill9();
            ring.awaitSize(3, Duration.ofSeconds(2));
            try (OutputStream stdin = elsewhere.getOutputStream()) {
                stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(elsewhere.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(elsewhere.exitValue()).as(LocalRing.drain(elsewhere.getErrorStream()).get()).isZero();
            assertThat(java.util.List.of(out.readLine(), out.readLine())).containsExactlyInAnyOrder("finished 0", "finished 1");
        }
    }

    /**
     * A rank's exit written to its tree parent just before that host dies is lost with it; the host below sends it
     * again straight to the root once the parent has left the ring, so the job ends (before, the root waited for
     * that rank for ever and mpiexec hung). The parent is stopped first (SIGSTOP), so the exit surely sits unread in
     * its connection when it dies.
     */
    @Test
    void anExitInFlightThroughAHostThatDiesStillReachesTheRoot() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 4, 60, "--fanout", "2", "--grace", "1")) {
            List<String> hosts = ring.hosts();
            Path started = dir.resolve("rank-3-started");
            Path go = dir.resolve("rank-3-go");
            Path exited = dir.resolve("rank-3-exited");
            Process mpiexec = ring.startMpiexec("-hosts", String.join(",", hosts), "-n", "4", "sh", "-c",
                    "if [ \"$PMI_RANK\" = 3 ]; then touch " + started + "; while [ ! -e " + go + " ]; do sleep 0.05; done; "
                            + "echo $$ > " + exited + "; exit 0; fi; exec sleep 30");
            ForkedComponent middle = ring.mpds().get(1);
            await("rank 3 started").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(middle.pid())).start().waitFor()).isZero();
            Files.writeString(go, "");
            await("rank 3 exited and was reaped").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(exited)
                    && !Files.readString(exited).isBlank()
                    && MpdRingIntegrationTest.gone(Integer.parseInt(Files.readString(exited).trim())));
            middle.kill9();
            assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).as("the job ended").isTrue();
            String stderr = LocalRing.drain(mpiexec.getErrorStream()).get(10, TimeUnit.SECONDS);
            assertThat(mpiexec.exitValue()).as(stderr).isNotZero();
            assertThat(stderr).contains("host " + hosts.get(1));
        }
    }

    @Test
    void theRingSurvivesItsLeadersDeath() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 3, 94)) {
            RingMember second = ring.trace().get(1);
            ring.useConsole(second.endpoint().toString());
            ring.mpds().getFirst().kill9();
            assertThat(ring.awaitSize(2, Duration.ofSeconds(15))).extracting(RingMember::id).doesNotContain("127.0.0.94");
            assertThat(ring.mpiexec("-n", "4", "hostname").lines()).hasSize(4);
            ForkedComponent again = ring.join(97);
            assertThat(ring.awaitSize(3, Duration.ofSeconds(30))).extracting(RingMember::id).contains("127.0.0.97");
            assertThat(again.isAlive()).isTrue();
        }
    }

    /**
     * A member dropped by a member that then died rejoins through another member of its ring (before, it tried only
     * the one that dropped it, for half a minute, and then stayed a ring of one for good).
     */
    @Test
    void aMemberDroppedByAMemberThatDiedRejoinsThroughAnother() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 3, 85)) {
            List<RingMember> members = ring.trace();
            RingMember dead = members.getFirst();
            RingMember dropped = members.get(1);
            String secret = Files.readString(ring.secret()).trim().substring("MPD_SECRETWORD=".length());
            try (Peer peer = new Peer(dropped.endpoint())) {
                assertThat(peer.authenticate(secret)).isEqualTo('1');
                peer.frame("cmd=hello id=" + dead.id());
                ring.mpds().getFirst().kill9(); // the member that dropped it dies before it can rejoin through it
                peer.frame("cmd=expelled epoch=1 by=" + dead.id());
                // That it was dropped shows in its log; how long it runs alone depends on how soon the ring's next
                // membership reaches it, so its own trace of one member is not waited for.
                Path log = dir.resolve("logs").resolve("mpd-" + dropped.host() + ".log");
                await("it took itself for dropped").atMost(Duration.ofSeconds(10))
                        .until(() -> Files.readString(log).contains("was dropped from the ring"));
                ring.useConsole(dropped.endpoint().toString());
                assertThat(ring.awaitSize(2, Duration.ofSeconds(20))).as("whole again, %s in it", dropped.id())
                        .extracting(RingMember::id).contains(dropped.id());
            }
        }
    }

    /**
     * The first node's mpd restarted by its service manager begins a ring of its own (it does not join); the ring it
     * left (crashed or stopped), which remembers it, asks it to join, and it does: one ring again, not two.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "stopped by {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"kill -9", "SIGTERM (it leaves cleanly)"})
    void aMemberRestartedAloneIsTakenBackIntoTheRing(String how) throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 3, how.startsWith("kill") ? 80 : 76)) {
            RingMember first = ring.trace().getFirst();
            ring.useConsole(ring.trace().get(1).endpoint().toString());
            if (how.startsWith("kill")) {
                ring.mpds().getFirst().kill9();
            } else {
                ring.mpds().getFirst().stop(Duration.ofSeconds(10));
            }
            assertThat(ring.awaitSize(2, Duration.ofSeconds(15))).extracting(RingMember::id).doesNotContain(first.id());
            ring.startAlone(first.host(), first.endpoint());
            assertThat(ring.awaitSize(3, Duration.ofSeconds(30))).as("one ring of three again")
                    .extracting(RingMember::id).contains(first.id());
            ring.useConsole(first.endpoint().toString());
            assertThat(ring.trace()).as("as the restarted one sees it").hasSize(3);
        }
    }

    @Test
    void hostilePeersAreDroppedAndTheMpdKeepsServing() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 90, "--frame-timeout", "1")) {
            Endpoint mpd = Endpoint.parse(ring.consoleAddress());
            String secret = Files.readString(ring.secret()).trim().substring("MPD_SECRETWORD=".length());
            // a wrong secret
            try (Peer peer = new Peer(mpd)) {
                assertThat(peer.authenticate("wrong")).isEqualTo('0');
            }
            // garbage instead of a frame
            try (Peer peer = new Peer(mpd)) {
                assertThat(peer.authenticate(secret)).isEqualTo('1');
                peer.send("this is not a frame");
                assertThat(peer.closed()).isTrue();
            }
            // an announced message over the maximum
            try (Peer peer = new Peer(mpd)) {
                peer.authenticate(secret);
                peer.send("999999999 cmd=trace");
                assertThat(peer.closed()).isTrue();
            }
            // a well-framed message that breaks the protocol
            try (Peer peer = new Peer(mpd)) {
                peer.authenticate(secret);
                peer.send("13 not=a-command");
                assertThat(peer.closed()).isTrue();
            }
            // a peer that stops in the middle of a message is dropped once the frame timeout passes
            try (Peer stalled = new Peer(mpd)) {
                stalled.authenticate(secret);
                stalled.send("100 cmd=trace");
                assertThat(ring.trace()).as("others are served meanwhile").hasSize(2);
                assertThat(stalled.closed()).as("dropped within the socket's 10 s read timeout").isTrue();
            }
            assertThat(ring.mpiexec("-n", "2", "hostname").exit()).isZero();
            assertThat(ring.trace()).hasSize(2);
        }
    }

    /** A raw connection to an mpd. */
    private static final class Peer implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Peer(Endpoint endpoint) throws IOException {
            socket = new Socket(endpoint.host(), endpoint.port());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        int authenticate(String secret) throws IOException {
            StringBuilder challenge = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                challenge.append((char) b);
            }
            out.write((Digest.HMAC_SHA256.answer(challenge.toString(), secret.getBytes(StandardCharsets.UTF_8)) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return in.read();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void frame(String message) throws IOException {
            send(message.getBytes(StandardCharsets.US_ASCII).length + " " + message);
        }

        /** @return true if the mpd closed the connection within 10 s; a read timeout means it did not */
        boolean closed() {
            try {
                return in.read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
