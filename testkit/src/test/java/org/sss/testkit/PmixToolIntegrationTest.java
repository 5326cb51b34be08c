package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.tools.MpdListJobsMain;

/**
 * Issue 21 item 7: a PMIx tool ({@code mpdproctable}, built with the mpd module against libpmix) attaches to one
 * mpd's PMIx server and reads a running 8-rank job's process table, which must be exactly what {@code mpdlistjobs}
 * lists (ranks, hosts, pids, programs); it also reads the ring's namespaces, the job's ranks on that mpd only and the
 * job's status, and a tool of another user sees none of it. Ring of 4 mpds on 127.0.0.230-233.
 */
class PmixToolIntegrationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.start(dir, 4, 230, "--grace", "2");
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    /** A rank as mpdlistjobs or the tool shows it. */
    record Proc(String jid, int rank, String host, long pid, String exec) {
    }

    private static Path tool() {
        return LocalRing.mpiexecBinary().resolveSibling("mpdproctable");
    }

    private static LocalRing.Result proctable(String... args) {
        List<String> command = new ArrayList<>(List.of(tool().toString()));
        command.addAll(List.of(args));
        return LocalRing.run(command);
    }

    /** @return mpdlistjobs's blocks, run as the tool a user would run */
    private static List<Proc> listjobs() {
        String java = ProcessHandle.current().info().command().orElse("java");
        LocalRing.Result listed = LocalRing.run(List.of(java, "-cp", System.getProperty("java.class.path"), MpdListJobsMain.class.getName(),
                "--mpd", ring.consoleAddress(), "--secret", ring.secret().toString()));
        assertThat(listed.exit()).as(listed.stderr()).isZero();
        List<Proc> procs = new ArrayList<>();
        for (String block : listed.stdout().split("\n\n")) {
            java.util.Map<String, String> fields = new java.util.HashMap<>();
            for (String line : block.strip().split("\n")) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2) {
                    fields.put(kv[0].strip(), kv[1].strip());
                }
            }
            if (fields.containsKey("jobid")) {
                procs.add(new Proc(fields.get("jobid"), Integer.parseInt(fields.get("rank")), fields.get("host"),
                        Long.parseLong(fields.get("pid")), fields.get("pgm")));
            }
        }
        return procs;
    }

    /** @return the tool's process lines: {@code NSPACE RANK HOST PID STATE... EXEC}, the state being two words */
    private static List<Proc> table(String stdout) {
        List<Proc> procs = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String[] f = line.split(" ");
            if (f.length >= 7 && f[0].startsWith("sss.")) {
                procs.add(new Proc(f[0].substring(4), Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]), f[6]));
            }
        }
        return procs;
    }

    /** A job of ranks that wait until the file {@code go} appears, and what mpdlistjobs shows of it. */
    private record WaitingJob(Process process, Path go, CompletableFuture<String> stderr, List<Proc> listed) {
        String jid() {
            return listed.getFirst().jid();
        }

        /** Tells the ranks to end, and checks the job ended well. */
        void end() throws IOException, InterruptedException {
            Files.writeString(go, "go");
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(stderr.join()).isZero();
        }
    }

    private static WaitingJob startWaitingJob(int n, String name) throws IOException {
        Path go = dir.resolve(name);
        Process job = ring.startMpiexec("-n", String.valueOf(n), "sh", "-c", "while [ ! -e " + go + " ]; do sleep 0.1; done");
        job.getOutputStream().close();
        CompletableFuture<String> err = LocalRing.drain(job.getErrorStream());
        LocalRing.drain(job.getInputStream());
        try {
            List<Proc> listed = Awaitility.await("the " + n + " ranks in mpdlistjobs").atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(200)).until(PmixToolIntegrationTest::listjobs, l -> l.size() == n);
            return new WaitingJob(job, go, err, listed);
        } catch (RuntimeException e) {
            Files.writeString(go, "go");
            throw e;
        }
    }

    @Test
    void aToolAttachedToOneMpdReadsTheProcessTableMpdlistjobsShows() throws Exception {
        assumeThat(Files.isExecutable(tool())).as("mpdproctable was built (libpmix-dev is installed)").isTrue();
        WaitingJob job = startWaitingJob(8, "go-8");
        String jid = job.jid();
        try {
            List<Proc> listed = job.listed();
            assertThat(listed).allMatch(p -> p.jid().equals(jid));
            Set<String> hosts = new HashSet<>();
            listed.forEach(p -> hosts.add(p.host()));
            assertThat(hosts).hasSize(4);

            LocalRing.Result all = proctable("--host", "127.0.0.232", "--namespaces", "--status", jid, jid);
            assertThat(all.exit()).as(all.stderr()).isZero();
            assertThat(all.stdout()).containsPattern("(?m)^namespaces (.*,)?sss\\." + java.util.regex.Pattern.quote(jid)
                    + "(,.*)?$");
            assertThat(all.stdout()).contains("status sss." + jid + " SUCCESS");
            assertThat(table(all.stdout())).as(all.stdout()).containsExactlyInAnyOrderElementsOf(listed);
            assertThat(all.stdout()).contains("PROC EXECUTING");

            LocalRing.Result local = proctable("--host", "127.0.0.231", "--local", jid);
            assertThat(local.exit()).as(local.stderr()).isZero();
            assertThat(table(local.stdout())).as(local.stdout()).isNotEmpty()
                    .containsExactlyInAnyOrderElementsOf(listed.stream().filter(p -> p.host().equals("127.0.0.231")).toList());

            LocalRing.Result unknown = proctable("--host", "127.0.0.230", "no-such-job");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.stderr()).contains("sss.no-such-job").contains("NOT-FOUND");
        } finally {
            job.end();
        }
        Awaitility.await("the ended job's status gone").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> proctable("--host", "127.0.0.233", "--status", jid).exit() == 1);
        LocalRing.Result ended = proctable("--host", "127.0.0.233", "--namespaces");
        assertThat(ended.exit()).as(ended.stderr()).isZero();
        assertThat(ended.stdout().strip()).isEqualTo("namespaces");
    }

    /** Run as root, the tool run as nobody attaches (root's helper admits every user's tools) and sees no job of root's. */
    @Test
    void aToolOfAnotherUserSeesNoneOfTheJobs() throws Exception {
        assumeThat(Files.isExecutable(tool())).as("mpdproctable was built (libpmix-dev is installed)").isTrue();
        assumeThat(System.getProperty("user.name")).as("the test runs as root, to run the tool as nobody").isEqualTo("root");
        assumeThat(Path.of("/usr/sbin/runuser")).isExecutable();
        WaitingJob job = startWaitingJob(2, "go-2");
        try {
            LocalRing.Result own = proctable("--host", "127.0.0.230", job.jid());
            assertThat(table(own.stdout())).as(own.stderr()).hasSize(2);
            LocalRing.Result other = LocalRing.run(List.of("/usr/sbin/runuser", "-u", "nobody", "--", tool().toString(), "--attach",
                    rendezvous("127.0.0.230").toString(), "--namespaces", job.jid()));
            assertThat(other.exit()).as(other.stdout() + other.stderr()).isEqualTo(1);
            assertThat(other.stdout().strip()).isEqualTo("namespaces");
            assertThat(other.stderr()).contains("NOT-FOUND");
        } finally {
            job.end();
        }
    }

    /** @return whether the helper whose directory this is runs */
    private static boolean live(Path helperDir) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(helperDir.resolve("pid")).strip())).isPresent();
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** @return the file through which tools attach to the PMIx server of mpd {@code host} */
    private static Path rendezvous(String host) throws IOException {
        String name = "pmix\\." + host.replace(".", "\\.") + "\\.tool\\.\\d+";
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("sss-pmix.") && live(d))
                    .flatMap(d -> {
                        try {
                            return Files.list(d);
                        } catch (IOException e) {
                            return Stream.empty();
                        }
                    })
                    .filter(f -> f.getFileName().toString().matches(name))
                    .findFirst().orElseThrow();
        }
    }
}
