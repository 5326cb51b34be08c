package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;
import org.sss.lib.wire.ReadTimeouts;

/**
 * Holds the Java side of the mpd wire to the golden messages in {@code src/test/resources/wire} (one frame per
 * file, as it crosses the socket; docs/MPD-PROTOCOL.md describes them). What the mpd and its Java clients send is
 * encoded here by the code that sends it and compared byte for byte; what they receive — mpiexec's requests among
 * it — is decoded and its fields compared. {@code WireGoldenNativeTest} holds mpiexec's C side to the same files, so
 * a change to either side that the other does not make fails one of the two.
 */
class WireGoldenTest {
    private static final String PATH = "PATH=/usr/bin:/bin";

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = WireGoldenTest.class.getResourceAsStream("/wire/" + name + ".frame")) {
            assertThat(in).as("golden message " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** @return the message as it leaves an mpd or a Java console: one SSSlib frame */
    private static byte[] frame(MpdMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(Link.MAX_MESSAGE).write(out, message.payload());
        return out.toByteArray();
    }

    /** @return the one message the golden frame holds, read as a link reads it */
    private static MpdMessage decode(String name) throws IOException, MalformedMessageException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(golden(name)), Link.MAX_MESSAGE, ReadTimeouts.NONE);
        MpdMessage message = MpdMessage.parse(reader.read());
        assertThat(reader.read()).as(name + " holds one frame").isNull();
        return message;
    }

    private static void assertEncodes(MpdMessage message, String name) throws IOException {
        assertThat(new String(frame(message), StandardCharsets.ISO_8859_1)).as(name)
                .isEqualTo(new String(golden(name), StandardCharsets.ISO_8859_1));
    }

    private static String body(MpdMessage message) {
        return new String(message.body(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- requests (mpiexec's are encoded by the C side)

    @Test
    void mpiexecsMpmdLaunchDecodesToTheJobItAskedFor() throws Exception {
        MpdMessage launch = decode("launch-mpmd");
        assertThat(launch.cmd()).isEqualTo("launch");
        assertThat(launch.fields()).isEmpty();
        JobSpec spec = JobSpecCodec.decode(launch.body());
        assertThat(spec.jid()).isEmpty();
        assertThat(spec.user()).isEqualTo("alice");
        assertThat(spec.wdir()).isEqualTo("/home/alice/run dir");
        assertThat(spec.output()).isEqualTo("label");
        assertThat(spec.env()).containsExactly(PATH, "ODD=a%b\tc\nd", "GREETING=grüß", "OMP_NUM_THREADS=4");
        assertThat(spec.wishes()).isEqualTo(new JobSpec.Wishes(List.of(), List.of("node1:2", "node3"),
                List.of("node1", "node2"), 2));
        assertThat(spec.sets()).containsExactly(
                new JobSpec.RankSet(2, "./a.out", List.of("-v", "x y"), List.of("ROLE=server")),
                new JobSpec.RankSet(1, "./b.out", List.of(), List.of()));
        assertThat(spec.size()).isEqualTo(3);
        assertThat(spec.treeHosts()).isEmpty();
        assertThat(spec.rankHost()).isEmpty();
        assertThat(spec.fanout()).as("the decoder's default").isEqualTo(4);
        assertThat(spec.graceMillis()).as("the decoder's default").isEqualTo(5000);
        assertThat(spec.supervision()).isEqualTo(JobSpec.Supervision.ATTACHED);
    }

    @Test
    void aLaunchAskingForPmixOnlyCarriesThePmiLine() throws Exception {
        MpdMessage launch = decode("launch-pmix");
        JobSpec spec = JobSpecCodec.decode(launch.body());
        assertThat(spec.pmi()).isEqualTo(PmiMode.PMIX);
        assertThat(spec.sets()).containsExactly(new JobSpec.RankSet(2, "./hello", List.of(), List.of()));
        JobSpec same = new JobSpec("", "alice", "/", "merged", List.of(), spec.sets(), JobSpec.Wishes.NONE, List.of(),
                new int[0], 4, 5000, List.of(), "", JobSpec.Supervision.ATTACHED, PmiMode.PMIX);
        assertThat(new String(JobSpecCodec.encode(same), java.nio.charset.StandardCharsets.UTF_8)).contains("pmi=pmix\n");
    }

    @Test
    void aKeepGoingLaunchCarriesTheKeepGoingLine() throws Exception {
        JobSpec spec = JobSpecCodec.decode(decode("launch-keepgoing").body());
        assertThat(spec.supervision()).isEqualTo(new JobSpec.Supervision(false, "", 0, true));
        assertThat(spec.sets()).containsExactly(new JobSpec.RankSet(2, "./events", List.of(), List.of()));
        JobSpec same = new JobSpec("", "alice", "/", "merged", List.of(), spec.sets(), JobSpec.Wishes.NONE, List.of(),
                new int[0], 4, 5000, List.of(), "", new JobSpec.Supervision(false, "", 0, true), PmiMode.BOTH);
        assertThat(new String(JobSpecCodec.encode(same), java.nio.charset.StandardCharsets.UTF_8)).contains("keepgoing=1\n");
        assertThat(JobSpecCodec.decode(JobSpecCodec.encode(same)).supervision().keepGoing()).isTrue();
    }

    @Test
    void killAndSignalRequests() throws Exception {
        MpdMessage kill = MpdMessage.of("kill").with("jid", "7@node1").with("signal", 15).build();
        assertEncodes(kill, "kill");
        assertThat(decode("kill").fields()).containsExactly(java.util.Map.entry("jid", "7@node1"),
                java.util.Map.entry("signal", "15"));
        MpdMessage sigjob = MpdMessage.of("sigjob").with("jid", "7@node1").with("signal", 10).with("rank", 2)
                .with("scope", "single").with("report", 1).build();
        assertEncodes(sigjob, "sigjob-report");
        MpdMessage decoded = decode("sigjob-report");
        assertThat(decoded.number("signal")).isEqualTo(10);
        assertThat(decoded.number("rank")).isEqualTo(2);
        assertThat(decoded.get("scope")).isEqualTo("single");
        assertThat(decoded.get("report")).isEqualTo("1");
    }

    @Test
    void stdinAndSingletonRequests() throws Exception {
        MpdMessage stdin = decode("stdin");
        assertThat(stdin.cmd()).isEqualTo("stdin");
        assertThat(stdin.get("jid")).isEqualTo("7@node1");
        assertThat(stdin.get("eof")).isNull();
        assertThat(body(stdin)).isEqualTo("line one\nno newline at the end");
        assertThat(decode("stdin-eof").get("eof")).isEqualTo("1");
        assertThat(decode("stdin-eof").body()).isEmpty();
        MpdMessage singleton = decode("singleton");
        assertThat(singleton.cmd()).isEqualTo("singleton");
        assertThat(singleton.get("pid")).isEqualTo("4242");
        assertThat(singleton.get("user")).isEqualTo("alice");
        MpdMessage pmi = decode("pmi");
        assertThat(pmi.get("jid")).isEqualTo("3@node1");
        assertThat(body(pmi)).isEqualTo("cmd=init pmi_version=1 pmi_subversion=1");
        assertThat(decode("singleton-end").get("jid")).isEqualTo("3@node1");
    }

    // ---------------------------------------------------------------- what consoles receive (mpiexec.c parses some)

    private static JobSpec placed(String jid, JobSpec.Supervision supervision) {
        return new JobSpec(jid, "alice", "/", "merged", List.of(), List.of(new JobSpec.RankSet(3, "a.out", List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of("node1", "node2"), new int[] {0, 1, 1}, 4, 5000, List.of(), "", supervision);
    }

    @Test
    void jobLaunched() throws Exception {
        assertEncodes(ConsoleMessages.launched(placed("7@node1", JobSpec.Supervision.ATTACHED)), "job-launched");
        assertEncodes(ConsoleMessages.launched(placed("8@node1", new JobSpec.Supervision(true, "pm:17", 1024))),
                "job-launched-detached");
        MpdMessage detached = decode("job-launched-detached");
        assertThat(detached.get("jid")).isEqualTo("8@node1");
        assertThat(detached.number("size")).isEqualTo(3);
        assertThat(detached.get("hosts")).isEqualTo("node1,node2");
        assertThat(detached.get("tag")).isEqualTo("pm:17");
        assertThat(detached.get("place")).isEqualTo("node1,node2,node2");
        assertThat(detached.number("stdin-window")).isEqualTo(StdinWriter.WINDOW);
        assertEncodes(ConsoleMessages.stdinTaken("7@node1", 65536), "job-stdin-ok");
    }

    @Test
    void outputExitAndEnd() throws Exception {
        byte[] data = "half a line\0\u00ff\nand the rest".getBytes(StandardCharsets.ISO_8859_1);
        assertEncodes(ConsoleMessages.rankOutput("7@node1", 1, 2, data), "job-out");
        assertThat(decode("job-out").body()).isEqualTo(data);
        assertEncodes(ConsoleMessages.rankExited("7@node1", 1, 143, "node2", "15", "4711", null), "job-exit");
        MpdMessage exit = decode("job-exit");
        assertThat(exit.number("status")).isEqualTo(143);
        assertThat(exit.number("signal")).isEqualTo(15);
        assertThat(exit.number("pid")).isEqualTo(4711);
        assertThat(exit.get("why")).isNull();
        String reason = "rank 1 on host node2 exited with status 3: it said 100% = failure";
        assertEncodes(ConsoleMessages.done("7@node1", 3, reason), "job-done");
        assertThat(decode("job-done").get("reason")).isEqualTo(reason);
        assertEncodes(ConsoleMessages.done("7@node1", 0, null), "job-done-ok");
        assertThat(decode("job-done-ok").fields()).doesNotContainKey("reason");
    }

    @Test
    void repliesToRequests() throws Exception {
        String msg = "host node9 is not in the ring (mpdtrace lists it)";
        assertEncodes(ConsoleMessages.error(null, null, msg), "error");
        assertThat(decode("error").get("msg")).isEqualTo(msg);
        assertEncodes(ConsoleMessages.signalDelivered("7@node1", "1", "0,2", "1"), "sigjob-done");
        assertThat(decode("sigjob-done").get("missed")).isEqualTo("1");
        assertEncodes(ConsoleMessages.singletonOk("3@node1", "kvs_3_node1"), "singleton-ok");
        String reply = "cmd=response_to_init pmi_version=1 pmi_subversion=1 rc=0\n";
        assertEncodes(ConsoleMessages.pmiReply("3@node1", reply), "pmi-reply");
        assertThat(body(decode("pmi-reply"))).isEqualTo(reply);
    }

    // ---------------------------------------------------------------- between mpds: the job spec's two forms

    @Test
    void aPlacedDetachedJobStartsDownTheTree() throws Exception {
        JobSpec spec = new JobSpec("9@node1", "alice", "/home/alice", "merged", List.of(PATH),
                List.of(new JobSpec.RankSet(1, "job.sh", List.of(), List.of(), "alice", List.of("nofile=64", "cpu=10:20"),
                                "tv-server", "~", "job.o9", "job.o9"),
                        new JobSpec.RankSet(2, "a.out", List.of("--size=10"), List.of())),
                new JobSpec.Wishes(List.of("node1", "node2", "node2"), List.of(), List.of(), 0), List.of("node1", "node2"),
                new int[] {0, 1, 1}, 4, 5000, List.of(), "", new JobSpec.Supervision(true, "pm:17", 65536));
        assertEncodes(MpdMessage.of("job-start").with("jid", spec.jid()).body(JobSpecCodec.encode(spec)).build(), "job-start");
        JobSpec back = JobSpecCodec.decode(decode("job-start").body());
        assertThat(back.sets()).isEqualTo(spec.sets());
        assertThat(back.wishes()).isEqualTo(spec.wishes());
        assertThat(back.treeHosts()).isEqualTo(spec.treeHosts());
        assertThat(back.rankHost()).containsExactly(0, 1, 1);
        assertThat(back.supervision()).isEqualTo(spec.supervision());
    }

    @Test
    void aSpawnAsksTheParentsRootForAnUnplacedChild() throws Exception {
        JobSpec child = new JobSpec("", "alice", "/home/alice", "merged", List.of(PATH),
                List.of(new JobSpec.RankSet(2, "worker", List.of("-x"), List.of(), "", List.of(), "", "")),
                JobSpec.Wishes.NONE, List.of(), new int[0], 4, 5000,
                List.of("PARENT_PORT=tag#1$description#node1$port#4000$"), "2@node1", JobSpec.Supervision.ATTACHED);
        assertEncodes(MpdMessage.of("job-spawn").with("jid", "2@node1").with("req", 5L).with("from", "node2")
                .body(JobSpecCodec.encode(child)).build(), "job-spawn");
        JobSpec back = JobSpecCodec.decode(decode("job-spawn").body());
        assertThat(back.parentJid()).isEqualTo("2@node1");
        assertThat(back.spawned()).isTrue();
        assertThat(back.preput()).containsExactly("PARENT_PORT=tag#1$description#node1$port#4000$");
    }
}
