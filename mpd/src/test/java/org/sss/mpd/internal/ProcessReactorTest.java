package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.client.UnixSignals;

class ProcessReactorTest {
    private final ProcessReactor reactor;

    ProcessReactorTest() throws IOException {
        reactor = new ProcessReactor("test");
    }

    @AfterEach
    void close() {
        reactor.close();
    }

    /** Collects one process's output and exit. */
    static final class Recorder implements ProcessReactor.Watcher {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        @Override
        public synchronized void output(int stream, byte[] data) {
            (stream == 1 ? out : err).writeBytes(data);
        }

        @Override
        public void exited(int waitStatus) {
            exit.complete(waitStatus);
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        int exitCode() throws Exception {
            return Posix.exitCode(exit.get(10, TimeUnit.SECONDS));
        }
    }

    private Recorder run(String script, List<String> env, String cwd) throws IOException {
        Posix.Spawned spawned = Posix.spawn("/bin/sh", List.of("sh", "-c", script), env, cwd);
        Posix.close(spawned.stdin());
        Recorder recorder = new Recorder();
        reactor.watch(spawned, recorder);
        return recorder;
    }

    @Test
    void outputOfBothStreamsAndTheExitCodeArrive() throws Exception {
        Recorder r = run("echo out; echo err >&2; exit 3", List.of("PATH=/usr/bin:/bin"), null);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
    }

    @Test
    void theEnvironmentAndWorkingDirectoryAreTheGivenOnes(@TempDir Path dir) throws Exception {
        Recorder r = run("echo $FOO; pwd; echo ${HOME:-unset}", List.of("FOO=bar baz", "PATH=/usr/bin:/bin"), dir.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("bar baz\n" + dir.toRealPath() + "\nunset\n");
    }

    @Test
    void aRankInheritsOnlyItsThreeStandardDescriptors() throws Exception {
        Posix.Spawned spawned = Posix.spawn("/bin/ls", List.of("ls", "-1", "/proc/self/fd"), List.of(), null);
        Posix.close(spawned.stdin());
        Recorder r = new Recorder();
        reactor.watch(spawned, r);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().toList()).as("0-2, and ls's own handle on the directory it lists")
                .containsExactly("0", "1", "2", "3");
    }

    @Test
    void aRankLeadsItsOwnSessionAndProcessGroup() throws Exception {
        Recorder r = run("ps -o pid=,pgid=,sid= -p $$", List.of("PATH=/usr/bin:/bin"), null);
        assertThat(r.exitCode()).isZero();
        String[] ids = r.out().trim().split("\\s+");
        assertThat(ids[0]).isEqualTo(ids[1]).isEqualTo(ids[2]);
    }

    @Test
    void aLeftoverChildThatKeepsWritingDoesNotKeepTheReactorFromTheNextExit() throws Exception {
        Posix.Spawned writer = Posix.spawn("/bin/sh", List.of("sh", "-c",
                "setsid sh -c 'cat /dev/zero & cat /dev/zero & echo $$; wait' & sleep 0.5"), List.of("PATH=/usr/bin:/bin"), null);
        Posix.close(writer.stdin());
        Recorder leftover = new Recorder();
        reactor.watch(writer, leftover);
        try {
            assertThat(leftover.exitCode()).as("the rank exits; its setsid children hold the pipes and write on").isZero();
            Recorder next = run("echo next", List.of("PATH=/usr/bin:/bin"), null);
            assertThat(next.exitCode()).as("another process's exit is still reported").isZero();
            assertThat(next.out()).isEqualTo("next\n");
        } finally {
            // Its pipes closed, the writers die of SIGPIPE at their next write; should they not have yet, they are killed.
            new ProcessBuilder("pkill", "-KILL", "-f", "cat /dev/zero & cat /dev/zero").start().waitFor();
        }
    }

    @Test
    void aGroupSignalReachesTheRanksChildren() throws Exception {
        Posix.Spawned spawned = Posix.spawn("/bin/sh", List.of("sh", "-c", "sleep 100 & echo $!; wait"),
                List.of("PATH=/usr/bin:/bin"), null);
        Posix.close(spawned.stdin());
        Recorder r = new Recorder();
        reactor.watch(spawned, r);
        await().atMost(Duration.ofSeconds(10)).until(() -> r.out().endsWith("\n"));
        int grandchild = Integer.parseInt(r.out().trim());
        assertThat(Posix.kill(-spawned.pid(), UnixSignals.TERM)).isZero();
        assertThat(r.exitCode()).isEqualTo(128 + UnixSignals.TERM);
        await().atMost(Duration.ofSeconds(10)).until(() -> gone(grandchild));
    }

    static boolean gone(int pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return true;
        }
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException vanished) {
            return true;
        }
    }

    private Recorder runRedirected(String script, String cwd, Posix.Redirects redirects) throws IOException {
        Posix.Spawned spawned = Posix.spawn("/bin/sh", List.of("sh", "-c", script), List.of("PATH=/usr/bin:/bin"), cwd,
                redirects);
        Posix.close(spawned.stdin());
        Recorder recorder = new Recorder();
        reactor.watch(spawned, recorder);
        return recorder;
    }

    @Test
    void outputFilesAreCreatedPrivateTruncatedAndRelativeToTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("job.o1"), "an older, longer run's output\n");
        Recorder r = runRedirected("echo out; echo err >&2; exit 4", dir.toString(), new Posix.Redirects("job.o1", "job.e1"));
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.out()).as("nothing on the pipes").isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(dir.resolve("job.o1"))).isEqualTo("out\n");
        assertThat(Files.readString(dir.resolve("job.e1"))).isEqualTo("err\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("job.e1"))))
                .isEqualTo("rw-------");
    }

    @Test
    void theSameFileForBothStreamsJoinsThemInOrder(@TempDir Path dir) throws Exception {
        String file = dir.resolve("joined").toString();
        Recorder r = runRedirected("echo one; echo two >&2; echo three", null, new Posix.Redirects(file, file));
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(Path.of(file))).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void onlyTheRedirectedStreamLeavesItsPipe(@TempDir Path dir) throws Exception {
        Recorder r = runRedirected("echo out; echo err >&2", null, new Posix.Redirects("", dir.resolve("e").toString()));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(Files.readString(dir.resolve("e"))).isEqualTo("err\n");
    }

    @Test
    void anOutputFileThatCannotBeOpenedStopsTheStartNamingTheFile(@TempDir Path dir) {
        String file = dir.resolve("no/such/dir/job.o1").toString();
        assertThatThrownBy(() -> runRedirected("echo never", null, new Posix.Redirects(file, file)))
                .isInstanceOf(IOException.class).hasMessageContaining(file).hasMessageContaining("no such file");
    }

    @Test
    void aMissingProgramIsAnIoErrorNamingTheCause() {
        assertThatThrownBy(() -> Posix.spawn("/no/such/program", List.of("x"), List.of(), null))
                .isInstanceOf(IOException.class).hasMessageContaining("no such file");
    }

    @Test
    void manyRanksAtOnceAreAllWatchedToTheirEnd() throws Exception {
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            recorders.add(run("echo " + i + "; exit " + (i % 7), List.of(), null));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(recorders.get(i).exitCode()).isEqualTo(i % 7);
            assertThat(recorders.get(i).out()).isEqualTo(i + "\n");
        }
    }

    @Test
    void largeOutputIsDeliveredWhole() throws Exception {
        Recorder r = run("head -c 1000000 /dev/zero | tr '\\0' x", List.of("PATH=/usr/bin:/bin"), null);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).hasSize(1_000_000);
    }
}
