package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.JobRequest.ProcessSet;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.OutputFile;
import org.sss.mpd.client.SignalDelivery;

/**
 * Jobs launched through the public console API on a ring of three named hosts: detached jobs that survive their
 * console and are replayed to a new one, exact placement, per-rank pids, signals with delivery reports, resource
 * limits, co-processes and running as another user.
 */
class DetachedJobsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static LocalRing ring;

    @BeforeAll
    static void startRing(@TempDir Path dir) {
        ring = LocalRing.startNamed(dir, List.of("node1", "node2", "node3"), 110, "--grace", "1");
    }

    @AfterAll
    static void stopRing() {
        if (ring != null) {
            ring.close();
        }
    }

    /** Collects a job's events. */
    private static final class Events implements Consumer<JobEvent> {
        final List<JobEvent> all = new CopyOnWriteArrayList<>();

        @Override
        public void accept(JobEvent event) {
            all.add(event);
        }

        <T extends JobEvent> List<T> of(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }

        JobEvent.Ended awaitEnd() {
            await("the job's end").atMost(WAIT).until(() -> !of(JobEvent.Ended.class).isEmpty());
            return of(JobEvent.Ended.class).getFirst();
        }

        String output() {
            StringBuilder text = new StringBuilder();
            for (JobEvent.Output out : of(JobEvent.Output.class)) {
                text.append(new String(out.data(), StandardCharsets.UTF_8));
            }
            return text.toString();
        }
    }

    @Test
    void aDetachedJobOutlivesItsConsoleAndIsReplayedToTheNextOne() throws IOException, MpdRequestException {
        Events first = new Events();
        String jid;
        JobRequest request = JobRequest.of(ProcessSet.of(2, "/bin/sh", "-c", "echo before-$PMI_RANK; sleep 2; echo after-$PMI_RANK"))
                .placedOn(List.of("node2", "node3")).detached("pg-1", 1 << 20);
        try (MpdConsole console = ring.console()) {
            jid = console.launch(request, first);
            await("both ranks' first line").atMost(WAIT).until(() -> first.output().contains("before-0")
                    && first.output().contains("before-1"));
        }
        assertThat(first.of(JobEvent.Launched.class).getFirst().hostOfRank()).containsExactly("node2", "node3");
        await("the console's disconnection is reported").atMost(WAIT)
                .until(() -> first.of(JobEvent.Disconnected.class).size() == 1);
        try (MpdConsole console = ring.console()) {
            assertThat(console.detachedJobs()).contains(new DetachedJob(jid, "node1", true, "pg-1"));
            Events second = new Events();
            console.attach(jid, second);
            JobEvent.Ended end = second.awaitEnd();
            assertThat(end.status()).isZero();
            assertThat(second.output()).contains("before-0", "before-1", "after-0", "after-1");
            assertThat(second.all.getFirst()).isInstanceOf(JobEvent.Launched.class);
            List<JobEvent.Spawned> spawned = second.of(JobEvent.Spawned.class);
            assertThat(spawned).extracting(JobEvent.Spawned::host).containsExactlyInAnyOrder("node2", "node3");
            assertThat(spawned).allSatisfy(s -> assertThat(s.pidOfRank().values()).allMatch(pid -> pid > 0));
            assertThat(second.of(JobEvent.RankExited.class)).extracting(JobEvent.RankExited::host)
                    .containsExactlyInAnyOrder("node2", "node3");
            assertThat(second.of(JobEvent.RankExited.class)).allMatch(e -> e.pid() > 0);
            assertThat(console.detachedJobs()).contains(new DetachedJob(jid, "node1", false, "pg-1"));
            console.release(jid);
            assertThat(console.detachedJobs()).extracting(DetachedJob::jid).doesNotContain(jid);
            assertThatThrownBy(() -> console.attach(jid, new Events())).isInstanceOf(MpdRequestException.class);
        }
    }

    @Test
    void anAttachedJobEndsWithItsConsole() throws IOException, MpdRequestException {
        Events events = new Events();
        String jid;
        try (MpdConsole console = ring.console()) {
            jid = console.launch(JobRequest.of(ProcessSet.of(1, "sleep", "30")).withGrace(Duration.ofSeconds(1)), events);
            await().atMost(WAIT).until(() -> ring.mpds().size() == 3);
        }
        try (MpdConsole console = ring.console()) {
            assertThat(console.detachedJobs()).extracting(DetachedJob::jid).doesNotContain(jid);
            assertThatThrownBy(() -> console.attach(jid, new Events())).isInstanceOf(MpdRequestException.class);
        }
    }

    @Test
    void signalsReportWhichRanksTheyReached() throws IOException, MpdRequestException {
        Events events = new Events();
        try (MpdConsole console = ring.console()) {
            String jid = console.launch(JobRequest.of(ProcessSet.of(3, "/bin/sh", "-c", "trap 'echo usr1-$PMI_RANK' USR1; "
                    + "while [ ! -e /tmp/sss-signal-test-$MPD_JID-$PMI_RANK ]; do sleep 0.1; done")).detached("sig", 65536), events);
            await("every rank started").atMost(WAIT).until(() -> events.of(JobEvent.Spawned.class).stream()
                    .mapToInt(s -> s.pidOfRank().size()).sum() == 3);
            SignalDelivery one = console.signal(jid, 10, 1, false);
            assertThat(one.delivered()).containsExactly(1);
            assertThat(one.missed()).isEmpty();
            await("rank 1's trap").atMost(WAIT).until(() -> events.output().contains("usr1-1"));
            assertThat(events.output()).doesNotContain("usr1-0", "usr1-2");
            Path done = Path.of("/tmp/sss-signal-test-" + jid + "-2");
            Files.writeString(done, "");
            try {
                await("rank 2's own end").atMost(WAIT).until(() -> !events.of(JobEvent.RankExited.class).isEmpty());
            } finally {
                Files.delete(done);
            }
            assertThat(events.of(JobEvent.RankExited.class).getFirst().status()).isZero();
            SignalDelivery all = console.signal(jid, 15, -1, true);
            assertThat(all.delivered()).containsExactlyInAnyOrder(0, 1);
            assertThat(all.missed()).containsExactly(2);
            JobEvent.Ended end = events.awaitEnd();
            assertThat(end.status()).isEqualTo(143);
            assertThat(end.reason()).contains("rank", "signal TERM");
            console.release(jid);
            assertThatThrownBy(() -> console.signal(jid, 15, -1, true)).isInstanceOf(MpdRequestException.class);
        }
    }

    @Test
    void limitsAndCoProcessesApplyPerSet(@TempDir Path dir) throws IOException, MpdRequestException {
        Path co = dir.resolve("monitor");
        Files.writeString(co, "#!/bin/sh\necho \"monitor on $SSS_HOST ranks=$SSS_RANKS pids=$SSS_PIDS\"\n");
        Files.setPosixFilePermissions(co, PosixFilePermissions.fromString("rwxr-xr-x"));
        Events events = new Events();
        JobRequest request = new JobRequest(List.of(
                new ProcessSet(2, "/bin/sh", List.of("-c", "echo nofile-$PMI_RANK=$(ulimit -n) in $(pwd); sleep 0.5"), List.of(), "",
                        List.of("nofile=77"), co.toString(), "/tmp"),
                ProcessSet.of(1, "/bin/sh", "-c", "echo plain-$PMI_RANK=$(ulimit -n)")),
                "tester", "/", "merged", List.of("PATH=/usr/bin:/bin"), List.of("node1", "node1", "node2"), Duration.ZERO,
                true, "limits", 65536);
        try (MpdConsole console = ring.console()) {
            String jid = console.launch(request, events);
            assertThat(events.awaitEnd().status()).isZero();
            await("the co-process's end").atMost(WAIT).until(() -> !events.of(JobEvent.CoProcessExited.class).isEmpty());
            String output = events.output();
            assertThat(output).contains("nofile-0=77 in /tmp", "nofile-1=77 in /tmp").doesNotContain("plain-2=77");
            List<JobEvent.Spawned> node1 = events.of(JobEvent.Spawned.class).stream().filter(s -> s.host().equals("node1")).toList();
            assertThat(node1).hasSize(1);
            assertThat(node1.getFirst().coProcess()).isPositive();
            assertThat(output).contains("monitor on node1 ranks=0 1 pids=" + node1.getFirst().pidOfRank().get(0) + " "
                    + node1.getFirst().pidOfRank().get(1));
            assertThat(events.of(JobEvent.Output.class)).anySatisfy(o -> assertThat(o.coHost()).isEqualTo("node1"));
            assertThat(events.of(JobEvent.CoProcessExited.class)).singleElement()
                    .satisfies(e -> assertThat(e.host()).isEqualTo("node1"));
            console.release(jid);
        }
    }

    /** @return a co-process that says so when it starts, and flushes and exits 0 on SIGTERM */
    private static Path monitorThatFlushesOnTerm(Path dir) throws IOException {
        Path co = dir.resolve("monitor");
        Files.writeString(co, "#!/bin/sh\ntrap 'echo monitor-flushed; exit 0' TERM\necho monitor-up\n"
                + "while :; do sleep 0.05; done\n");
        Files.setPosixFilePermissions(co, PosixFilePermissions.fromString("rwxr-xr-x"));
        return co;
    }

    /** Waits for the co-process's end: it got SIGTERM and its grace (flushed, exited by its trap), not SIGKILL. */
    private static void assertFlushedOnTerm(Events events) {
        await("the co-process's end").atMost(WAIT).until(() -> !events.of(JobEvent.CoProcessExited.class).isEmpty());
        assertThat(events.output()).contains("monitor-up", "monitor-flushed");
        assertThat(events.of(JobEvent.CoProcessExited.class)).singleElement()
                .satisfies(e -> assertThat(e.status()).as("ended by its trap, not killed").isZero());
    }

    /**
     * A confined job's co-process gets SIGTERM and its grace once the ranks have ended, as an unconfined one does;
     * before, the job's control group was emptied with SIGKILL as the last rank ended, the co-process with it.
     */
    @Test
    void aConfinedJobsCoProcessGetsItsGraceAfterTheRanksEnd(@TempDir Path dir) throws IOException, MpdRequestException {
        Path co = monitorThatFlushesOnTerm(dir);
        Events events = new Events();
        JobRequest request = new JobRequest(List.of(new ProcessSet(1, "/bin/sh", List.of("-c", "sleep 0.5"), List.of(),
                "", List.of(), co.toString(), "/tmp")), "tester", "/", "merged", List.of("PATH=/usr/bin:/bin"),
                List.of("node2"), Duration.ofSeconds(5), false, "", 0)
                .confinedTo(new org.sss.mpd.internal.Confinement("co-grace", List.of(), 0, 0, ""));
        try (MpdConsole console = ring.console()) {
            console.launch(request, events);
            assertThat(events.awaitEnd().status()).isZero();
            assertFlushedOnTerm(events);
        }
    }

    /**
     * A confined job whose ranks all fail to start (before its co-process is started) still gives the co-process its
     * start and its grace: the job is not retired on the host, nor its control group emptied, until the co-process
     * has ended too.
     */
    @Test
    void aCoProcessStartedAfterItsRanksFailedStillGetsItsGrace(@TempDir Path dir) throws IOException, MpdRequestException {
        Path co = monitorThatFlushesOnTerm(dir);
        Events events = new Events();
        JobRequest request = new JobRequest(List.of(new ProcessSet(2, dir.resolve("no-such-program").toString(),
                List.of(), List.of(), "", List.of(), co.toString(), "/tmp")), "tester", "/", "merged",
                List.of("PATH=/usr/bin:/bin"), List.of("node3", "node3"), Duration.ofSeconds(5), false, "", 0)
                .confinedTo(new org.sss.mpd.internal.Confinement("co-after-failure", List.of(), 0, 0, ""));
        try (MpdConsole console = ring.console()) {
            console.launch(request, events);
            assertThat(events.awaitEnd().status()).as("the ranks could not start").isNotZero();
            // The job's failure sends SIGTERM at once, maybe before the co-process's shell has set its trap: what counts is
            // that it was started and ended by that SIGTERM or its trap, not SIGKILLed with its group.
            await("the co-process's end").atMost(WAIT).until(() -> !events.of(JobEvent.CoProcessExited.class).isEmpty());
            assertThat(events.of(JobEvent.CoProcessExited.class)).singleElement().satisfies(end -> {
                assertThat(end.pid()).as("it was started").isPositive();
                assertThat(end.signal()).as("not SIGKILLed with its group: " + end).isNotEqualTo(9);
            });
        }
    }

    @Test
    void ranksRunAsTheNamedUserOnlyUnderARootMpd() throws IOException, MpdRequestException {
        Events events = new Events();
        JobRequest request = new JobRequest(List.of(new ProcessSet(1, "/usr/bin/id", List.of("-un"), List.of(), "nobody",
                List.of(), "", "")), "tester", "/", "merged", List.of(), List.of(), Duration.ZERO, false, "", 0);
        try (MpdConsole console = ring.console()) {
            console.launch(request, events);
            JobEvent.Ended end = events.awaitEnd();
            if ("root".equals(System.getProperty("user.name"))) {
                assertThat(end.status()).isZero();
                assertThat(events.output().trim()).isEqualTo("nobody");
            } else {
                assertThat(end.status()).isEqualTo(127);
                assertThat(events.output()).contains("not root");
            }
        }
    }

    @Test
    void outputFilesAreOpenedByTheUserTheRanksRunAs(@TempDir Path dir) throws IOException, MpdRequestException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = shared.resolve("job.o1");
        Path missing = dir.resolve("gone").resolve("job.o2");
        try (MpdConsole console = ring.console()) {
            Events own = new Events();
            console.launch(JobRequest.of(new ProcessSet(1, "/bin/sh", List.of("-c", "echo to-file; echo to-err >&2"), List.of(),
                    "", List.of(), "", shared.toString(), "job.o1", "job.o1")), own);
            assertThat(own.awaitEnd().status()).isZero();
            assertThat(own.output()).doesNotContain("to-file");
            assertThat(Files.readString(out)).isEqualTo("to-file\nto-err\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");

            Events unopenable = new Events();
            console.launch(JobRequest.of(new ProcessSet(1, "/bin/true", List.of(), List.of(), "", List.of(), "", "",
                    missing.toString(), "")), unopenable);
            assertThat(unopenable.awaitEnd().status()).isEqualTo(127);
            assertThat(unopenable.output()).contains(missing.toString());

            if (!"root".equals(System.getProperty("user.name"))) {
                return;
            }
            Files.delete(out);
            Events asNobody = new Events();
            console.launch(JobRequest.of(new ProcessSet(1, "/usr/bin/id", List.of("-un"), List.of(), "nobody", List.of(), "",
                    shared.toString(), out.toString(), "")), asNobody);
            assertThat(asNobody.awaitEnd().status()).as(asNobody::output).isZero();
            assertThat(Files.readString(out)).isEqualTo("nobody\n");
            assertThat(Files.getOwner(out).getName()).isEqualTo("nobody");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");

            Path rootOnly = Files.createDirectory(dir.resolve("root-only"));
            Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
            Events denied = new Events();
            console.launch(JobRequest.of(new ProcessSet(1, "/usr/bin/id", List.of("-un"), List.of(), "nobody", List.of(), "",
                    shared.toString(), out.toString(), rootOnly.resolve("job.e1").toString())), denied);
            assertThat(denied.awaitEnd().status()).as("nobody may not create a file in root's directory").isEqualTo(126);
            assertThat(denied.output()).contains("cannot open the error file", "job.e1");
            assertThat(Files.exists(rootOnly.resolve("job.e1"))).isFalse();
        }
    }

    @Test
    void aMissingProgramAndAnUnknownHostAreReported() throws IOException, MpdRequestException {
        Events events = new Events();
        try (MpdConsole console = ring.console()) {
            assertThatThrownBy(() -> console.launch(JobRequest.of(ProcessSet.of(1, "true")).placedOn(List.of("node9")), events))
                    .isInstanceOf(MpdRequestException.class).hasMessageContaining("node9");
            console.launch(JobRequest.of(ProcessSet.of(2, "/bin/foo")).detached("missing", 4096), events);
            JobEvent.Ended end = events.awaitEnd();
            assertThat(end.status()).isEqualTo(127);
            assertThat(events.output()).contains("cannot execute /bin/foo");
        }
    }

    /**
     * The dashboard reads a job's output through the ring: the mpd of the named node reads it there as root (the file
     * is the job's user's, 0600), passed on by the console's mpd; only a regular file of the job's user is read.
     */
    @Test
    void aJobsOutputIsReadByTheMpdOfItsNode(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("job.o7");
        Files.writeString(out, "hello from nobody\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        // As root (CI), the file is nobody's; the mpds, root as on a cluster, read it where the dashboard could not.
        boolean root = "root".equals(System.getProperty("user.name"));
        String owner = root ? "nobody" : System.getProperty("user.name");
        if (root) {
            Files.setOwner(out, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner));
        }
        try (MpdConsole console = ring.console()) {
            for (String node : List.of("node1", "node3")) {
                OutputFile.Chunk chunk = console.readOutput(node, out.toString(), owner, 0);
                assertThat(new String(chunk.bytes(), StandardCharsets.UTF_8)).as(node).isEqualTo("hello from nobody\n");
                assertThat(chunk.nextOffset()).isEqualTo(18);
                assertThat(chunk.problem()).isEmpty();
                assertThat(console.readOutput(node, out.toString(), owner, 6).bytes()).hasSize(12);
            }
            OutputFile.Chunk foreign = console.readOutput("node2", out.toString(), "someone-else", 0);
            assertThat(foreign.bytes()).isEmpty();
            assertThat(foreign.problem()).contains("owned by " + owner);
            OutputFile.Chunk nowhere = console.readOutput("node9", out.toString(), owner, 0);
            assertThat(nowhere.bytes()).isEmpty();
            assertThat(nowhere.problem()).contains("node9 is not in the mpd ring");
            assertThat(console.readOutput("node2", "relative/job.o7", owner, 0).problem()).contains("not an absolute path");
        }
    }
}
