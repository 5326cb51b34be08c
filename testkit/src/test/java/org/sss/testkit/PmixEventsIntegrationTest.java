package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, events to ranks: a PMIx client program ({@code src/test/c/pmix_events.c}) on a ring of 4 mpds
 * (127.0.0.210-213) registers for the failure events; when one of its ranks is killed with SIGKILL, or when another
 * host's mpd is killed (kill -9), the surviving ranks on every remaining host are told, naming the lost ranks, and
 * with {@code mpiexec --keep-going} they finish and the job's status is the highest of its ranks'. Each test has a
 * ring of its own, since one kills an mpd.
 */
class PmixEventsIntegrationTest {
    private static final int SIZE = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** PMIx 4.2's PMIX_ERR_PROC_ABORTED and PMIX_ERR_NODE_DOWN. */
    private static final int PROC_ABORTED = -7;
    private static final int NODE_DOWN = -231;
    private static final Pattern READY = Pattern.compile("rank (\\d+) pid (\\d+) host (\\S+) ready");
    private static final Pattern EVENT = Pattern.compile("rank (\\d+) event (-?\\d+) \\(.*\\) affected (\\S+)");

    @TempDir
    Path dir;
    LocalRing ring;
    Job job;

    @BeforeEach
    void start() {
        ring = LocalRing.start(dir, 4, 210, "--grace", "2");
    }

    @AfterEach
    void stop() {
        if (job != null) {
            job.killLeftovers();
        }
        ring.close();
    }

    /** A running mpiexec of pmix_events whose output is read as it comes. */
    private final class Job {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> stderr;
        final Map<Integer, Long> pids = new TreeMap<>();
        final Map<Integer, String> hosts = new TreeMap<>();

        Job(String... options) {
            List<String> args = new ArrayList<>(List.of(options));
            args.addAll(List.of("-n", Integer.toString(SIZE), MpiPrograms.openMpi("pmix_events"), "60"));
            process = ring.startMpiexec(args.toArray(String[]::new));
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stderr = LocalRing.drain(process.getErrorStream());
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // mpiexec is gone
                }
            });
        }

        /** Waits until every rank has registered its handler and said where it runs. */
        void awaitReady() {
            await("every rank ready").atMost(WAIT).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mpiexec ended early: " + lines + " " + stderr.join());
                }
                return lines.stream().filter(line -> READY.matcher(line).matches()).count() == SIZE;
            });
            for (String line : lines) {
                Matcher m = READY.matcher(line);
                if (m.matches()) {
                    pids.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
                    hosts.put(Integer.parseInt(m.group(1)), m.group(3));
                }
            }
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("mpiexec did not end: " + lines);
            }
            return process.exitValue();
        }

        /** @return each rank that printed an event, with the ranks it named (as "R,R") */
        Map<Integer, String> events() {
            Map<Integer, String> events = new TreeMap<>();
            for (String line : lines) {
                Matcher m = EVENT.matcher(line);
                if (m.matches()) {
                    String ranks = Pattern.compile(",").splitAsStream(m.group(3))
                            .map(proc -> proc.substring(proc.lastIndexOf(':') + 1)).collect(Collectors.joining(","));
                    events.put(Integer.parseInt(m.group(1)), m.group(2) + " " + ranks);
                }
            }
            return events;
        }

        boolean finished(int rank) {
            return lines.contains("rank " + rank + " finished");
        }

        /** Ranks left behind by a killed mpd (nobody reaps them): killed by pid. */
        void killLeftovers() {
            pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            process.destroyForcibly();
        }
    }

    private static void kill9(long pid) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).as("rank process " + pid).contains(true);
    }

    @Test
    void keepGoingSurvivorsOfAKilledRankAreToldItsNameAndFinish() throws InterruptedException {
        job = new Job("--keep-going");
        job.awaitReady();
        int victim = 5;
        kill9(job.pids.get(victim));
        int exit = job.awaitExit();
        String stderr = job.stderr.join();
        assertThat(exit).as("the killed rank's status, 128+9; " + stderr + job.lines).isEqualTo(137);
        assertThat(stderr).contains("rank " + victim + " on host").contains("killed by signal");
        Map<Integer, String> events = job.events();
        for (int rank = 0; rank < SIZE; rank++) {
            if (rank != victim) {
                assertThat(events.get(rank)).as("rank %d's event in %s", rank, job.lines).isEqualTo(PROC_ABORTED + " " + victim);
                assertThat(job.finished(rank)).as("rank %d finished: %s", rank, job.lines).isTrue();
            }
        }
    }

    @Test
    void withoutKeepGoingAKilledRankEndsTheJobWithItsStatusAfterTheSurvivorsAreTold() throws InterruptedException, IOException {
        job = new Job();
        job.awaitReady();
        int victim = 2;
        kill9(job.pids.get(victim));
        int exit = job.awaitExit();
        String stderr = job.stderr.join();
        assertThat(exit).as(stderr).isEqualTo(137);
        assertThat(stderr).contains("rank " + victim + " on host").contains("killed by signal");
        String log = java.nio.file.Files.readString(dir.resolve("logs").resolve("mpd-127.0.0.210.log"));
        assertThat(log).contains("telling the survivors: proc-aborted of ranks " + victim);
        assertThat(job.events().values()).as("what any survivor heard before the kill").allMatch(e -> e.equals(PROC_ABORTED + " " + victim));
    }

    @Test
    void keepGoingSurvivorsOfAKilledMpdAreToldItsRanksAndFinish() throws InterruptedException {
        job = new Job("--keep-going");
        job.awaitReady();
        String lostHost = "127.0.0.212";
        List<Integer> lost = job.hosts.entrySet().stream().filter(e -> e.getValue().equals(lostHost)).map(Map.Entry::getKey)
                .toList();
        assertThat(lost).as("ranks on %s: %s", lostHost, job.hosts).isNotEmpty();
        ring.mpds().get(2).kill9();
        int exit = job.awaitExit();
        String stderr = job.stderr.join();
        assertThat(exit).as("a lost host's ranks count 255; " + stderr + job.lines).isEqualTo(255);
        String named = lost.stream().map(String::valueOf).collect(Collectors.joining(","));
        Map<Integer, String> events = job.events();
        for (int rank = 0; rank < SIZE; rank++) {
            if (!lost.contains(rank)) {
                assertThat(events.get(rank)).as("rank %d's event in %s", rank, job.lines).isEqualTo(NODE_DOWN + " " + named);
                assertThat(job.finished(rank)).as("rank %d finished: %s", rank, job.lines).isTrue();
            }
        }
    }

    @Test
    void withoutKeepGoingAKilledMpdEndsTheJobWith255AfterItsRanksAreAnnounced() throws InterruptedException, IOException {
        job = new Job();
        job.awaitReady();
        String lostHost = "127.0.0.213";
        List<Integer> lost = job.hosts.entrySet().stream().filter(e -> e.getValue().equals(lostHost)).map(Map.Entry::getKey)
                .toList();
        assertThat(lost).as("ranks on %s: %s", lostHost, job.hosts).isNotEmpty();
        ring.mpds().get(3).kill9();
        int exit = job.awaitExit();
        String stderr = job.stderr.join();
        assertThat(exit).as(stderr).isEqualTo(255);
        assertThat(stderr).contains("host " + lostHost + " was lost");
        String named = lost.stream().map(String::valueOf).collect(Collectors.joining(","));
        String log = java.nio.file.Files.readString(dir.resolve("logs").resolve("mpd-127.0.0.210.log"));
        assertThat(log).contains("telling the survivors: node-down of ranks " + named);
        assertThat(job.events().values()).as("what any survivor heard before the kill").allMatch(e -> e.equals(NODE_DOWN + " " + named));
    }
}
