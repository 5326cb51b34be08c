package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sss.mpd.client.RingMember;

/** Issue 4's acceptance on real rings of mpds on 127.0.0.x, with the real mpiexec. */
class MpdRingIntegrationTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "ring of {0}")
    @CsvSource({"1, 2", "3, 10", "8, 20"})
    void jobsRunOnRingsOfOneThreeAndEight(int size, int firstHost) throws Exception {
        try (LocalRing ring = LocalRing.start(dir, size, firstHost, "--grace", "2")) {
            LocalRing.Result hostname = ring.mpiexec("-n", "64", "hostname");
            assertThat(hostname.exit()).as(hostname.stderr()).isZero();
            assertThat(hostname.lines()).hasSize(64).allSatisfy(line -> assertThat(line).isNotBlank());

            LocalRing.Result labelled = ring.mpiexec("-l", "-n", "16", "sh", "-c", "echo one; echo two");
            assertThat(labelled.exit()).isZero();
            assertThat(labelled.lines()).hasSize(32).allMatch(line -> line.matches("\\d+: (one|two)"));
            for (int rank = 0; rank < 16; rank++) {
                assertThat(labelled.lines()).contains(rank + ": one", rank + ": two");
            }

            LocalRing.Result hosts = ring.mpiexec("-n", Integer.toString(size), "sh", "-c", "echo $PMI_RANK $PMI_SIZE $MPD_JID");
            assertThat(hosts.lines()).hasSize(size).allMatch(line -> line.matches("\\d+ " + size + " \\d+@127\\.0\\.0\\." + firstHost));

            LocalRing.Result failing = ring.mpiexec("-n", "4", "sh", "-c", "if [ $PMI_RANK = 2 ]; then exit 3; fi; sleep 30");
            assertThat(failing.exit()).isEqualTo(3);
            assertThat(failing.stderr()).contains("rank 2 on host 127.0.0.").contains("exited with status 3");

            assertTerminationReachesRankChildren(ring, Math.min(size * 2, 8));
        }
    }

    /** SIGTERM to mpiexec ends every rank and the children the ranks started. */
    private static void assertTerminationReachesRankChildren(LocalRing ring, int ranks) throws Exception {
        Process mpiexec = ring.startMpiexec("-n", Integer.toString(ranks), "sh", "-c", "sleep 100 & echo $!; wait");
        List<Integer> sleepers = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
        while (sleepers.size() < ranks) {
            String line = out.readLine();
            assertThat(line).as("a pid from every rank").isNotNull();
            sleepers.add(Integer.parseInt(line.trim()));
        }
        mpiexec.destroy();
        assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mpiexec.exitValue()).isEqualTo(128 + 15);
        await().atMost(Duration.ofSeconds(15)).until(() -> sleepers.stream().allMatch(MpdRingIntegrationTest::gone));
    }

    /**
     * A rank's child that ignores SIGTERM, under a shell that does not: the shell ends with the first signal, and the
     * child is killed then (before, the escalation to SIGKILL was cancelled with the shell's exit, and it ran on).
     */
    @Test
    void aRanksChildThatIgnoresTermIsKilledWhenItsShellEnds() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 35, "--grace", "60")) {
            Process mpiexec = ring.startMpiexec("-n", "2", "sh", "-c", "(trap '' TERM; exec sleep 300) & echo $!; wait");
            List<Integer> sleepers = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
            while (sleepers.size() < 2) {
                String line = out.readLine();
                assertThat(line).as("a pid from every rank").isNotNull();
                sleepers.add(Integer.parseInt(line.trim()));
            }
            mpiexec.destroy();
            assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await("the children that ignore SIGTERM gone, well within the 60 s grace").atMost(Duration.ofSeconds(15))
                    .until(() -> sleepers.stream().allMatch(MpdRingIntegrationTest::gone));
        }
    }

    /**
     * Input for a rank that does not read yet stays in mpiexec's own input, within the mpd's window (1 MiB) of what
     * the rank's pipe has taken, rather than piling up in the mpd's memory; once the rank reads, all of it arrives.
     */
    @Test
    void inputForARankThatDoesNotReadYetWaitsInMpiexecsInputAndAllArrivesOnceItReads() throws Exception {
        Path go = dir.resolve("go");
        long size = 16L << 20;
        try (LocalRing ring = LocalRing.start(dir, 2, 37)) {
            Process mpiexec = ring.startMpiexec("-n", "1", "sh", "-c",
                    "while [ ! -e " + go + " ]; do sleep 0.1; done; wc -c");
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = new byte[32768];
                try (java.io.OutputStream in = mpiexec.getOutputStream()) {
                    while (written.get() < size) {
                        in.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // mpiexec went away; the assertions below say what was written
                }
            });
            await("input up to the window").atMost(Duration.ofSeconds(15)).until(() -> written.get() >= 1L << 20);
            await("no more than the window while the rank does not read").during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(10)).until(() -> written.get() < 2L << 20);
            Files.createFile(go);
            writer.join(Duration.ofSeconds(60));
            assertThat(mpiexec.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(mpiexec.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo(Long.toString(size));
            assertThat(mpiexec.exitValue()).isZero();
        }
    }

    /**
     * A killed job's ranks that print as they end: every last word reaches mpiexec before the job's end. A host two
     * levels down sends its rank's exit both up the tree and straight to the root (its parent may be gone); the
     * straight copy must not end the job before the output that follows the tree.
     */
    @Test
    void theLastWordsOfAKilledJobsRanksOnEveryLevelOfTheTreeArriveBeforeItsEnd() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 7, 50, "--fanout", "2", "--grace", "10")) {
            for (int round = 0; round < 3; round++) {
                Process mpiexec = ring.startMpiexec("-n", "7", "sh", "-c",
                        "trap 'echo last-words-$PMI_RANK; exit 0' TERM; echo up; while :; do sleep 0.05; done");
                BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
                for (int up = 0; up < 7; up++) {
                    assertThat(out.readLine()).isEqualTo("up");
                }
                mpiexec.toHandle().destroy(); // SIGTERM, the streams left open
                List<String> rest = out.lines().toList();
                assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
                for (int rank = 0; rank < 7; rank++) {
                    assertThat(rest).as("round %d", round).contains("last-words-" + rank);
                }
            }
        }
    }

    static boolean gone(int pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException vanished) {
            return true;
        }
    }

    @Test
    void outputArrivesWhileTheJobRuns() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 30)) {
            Process mpiexec = ring.startMpiexec("-n", "1", "sh", "-c", "echo first; sleep 3; echo second");
            BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("first");
            assertThat(mpiexec.isAlive()).as("the first line came before the rank ended").isTrue();
            assertThat(out.readLine()).isEqualTo("second");
            assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(mpiexec.exitValue()).isZero();
        }
    }

    @Test
    void killingOneMpdOfFourEndsItsJobReknitsTheRingAndNewJobsRun() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 4, 40, "--grace", "1")) {
            Process mpiexec = ring.startMpiexec("-l", "-n", "8", "sh", "-c", "echo up $$; sleep 60");
            BufferedReader out = new BufferedReader(new InputStreamReader(mpiexec.getInputStream(), StandardCharsets.UTF_8));
            Map<Integer, Integer> pids = new HashMap<>();
            while (pids.size() < 8) {
                String line = out.readLine();
                assertThat(line).isNotNull();
                String[] parts = line.split("[: ]+");
                pids.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[2]));
            }
            String victim = ring.hosts().get(2);
            long killedAt = System.nanoTime();
            ring.mpds().get(2).kill9();

            List<RingMember> members = ring.awaitSize(3, Duration.ofSeconds(2));
            Duration reknit = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(members).extracting(RingMember::id).doesNotContain(victim);
            assertThat(reknit).as("ring of 3 whole").isLessThan(Duration.ofSeconds(2));

            assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String stderr = LocalRing.drain(mpiexec.getErrorStream()).get(10, TimeUnit.SECONDS);
            assertThat(mpiexec.exitValue()).isNotZero();
            assertThat(stderr).contains("host " + victim);

            LocalRing.Result next = ring.mpiexec("-n", "6", "hostname");
            assertThat(next.exit()).as(next.stderr()).isZero();
            assertThat(next.lines()).hasSize(6);
            // The killed mpd's own ranks were orphaned with it (as on a real host); end them here.
            pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            await().atMost(Duration.ofSeconds(15)).until(() -> pids.values().stream().allMatch(MpdRingIntegrationTest::gone));
        }
    }

    @Test
    void aWrongSecretIsRefusedAndTheRingKeepsServing() throws Exception {
        try (LocalRing ring = LocalRing.start(dir, 2, 50)) {
            Path wrong = TestKeys.write(dir.resolve("wrong.conf"), "MPD_SECRETWORD=not-the-secret", "rw-------");
            ProcessBuilder builder = new ProcessBuilder(LocalRing.mpiexecBinary().toString(), "-n", "1", "true");
            builder.environment().put("MPD_CONSOLE", ring.consoleAddress());
            builder.environment().put("MPD_CONF_FILE", wrong.toString());
            Process mpiexec = builder.start();
            String stderr = LocalRing.drain(mpiexec.getErrorStream()).get(30, TimeUnit.SECONDS);
            assertThat(mpiexec.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(mpiexec.exitValue()).isEqualTo(255);
            assertThat(stderr).contains("refused our secret");

            ForkedComponent intruder = ForkedComponent.start("intruder", org.sss.mpd.MpdMain.class, dir.resolve("logs"),
                    "--host", "127.0.0.59", "--secret", wrong.toString(), "--join", ring.consoleAddress());
            assertThat(intruder.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(intruder.output()).contains("refused");
            assertThat(ring.trace()).hasSize(2);
            assertThat(ring.mpiexec("-n", "2", "true").exit()).isZero();
        }
    }

    @Test
    void aSecretFileOthersCanReadStopsTheMpdWithOneLine() throws Exception {
        Path open = TestKeys.write(dir.resolve("open.conf"), "MPD_SECRETWORD=s", "rw-r--r--");
        ForkedComponent mpd = ForkedComponent.start("open", org.sss.mpd.MpdMain.class, dir.resolve("logs"),
                "--host", "127.0.0.60", "--secret", open.toString());
        assertThat(mpd.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(mpd.output().strip().lines()).hasSize(1).first().asString()
                .contains(open.toString()).contains("mode 0644").contains("chmod 600");
    }
}
