package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mpiexec's MPICH flags on a ring of 3: placement, environment, working directory, MPMD, stdin. */
class MpiexecOptionsIntegrationTest {
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.start(dir, 3, 70);
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    /** @return rank -> host for a job */
    private static Map<Integer, String> placement(String... args) {
        String[] full = new String[args.length + 3];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "sh";
        full[args.length + 1] = "-c";
        full[args.length + 2] = "echo $PMI_RANK $MPD_HOST";
        LocalRing.Result result = ring.mpiexec(full);
        assertThat(result.exit()).as(result.stderr()).isZero();
        Map<Integer, String> hosts = new TreeMap<>();
        for (String line : result.lines()) {
            String[] parts = line.split(" ");
            hosts.put(Integer.parseInt(parts[0]), parts[1]);
        }
        return hosts;
    }

    /** @return the hosts in ring order, starting at the mpd mpiexec talks to (the first one started) */
    private static List<String> ringOrder() throws java.io.IOException {
        return ring.trace().stream().map(org.sss.mpd.client.RingMember::host).toList();
    }

    @Test
    void byDefaultRanksGoRoundRobinOverTheRingStartingHere() throws Exception {
        List<String> order = ringOrder();
        assertThat(order.getFirst()).isEqualTo("127.0.0.70");
        assertThat(placement("-n", "6")).isEqualTo(Map.of(0, order.get(0), 1, order.get(1), 2, order.get(2),
                3, order.get(0), 4, order.get(1), 5, order.get(2)));
    }

    @Test
    void ppnPutsConsecutiveRanksOnEachHost() throws Exception {
        List<String> order = ringOrder();
        assertThat(placement("-ppn", "2", "-n", "5")).isEqualTo(Map.of(0, order.get(0), 1, order.get(0),
                2, order.get(1), 3, order.get(1), 4, order.get(2)));
    }

    @Test
    void hostsRestrictsAndOrdersThePlacement() {
        assertThat(placement("-hosts", "127.0.0.72,127.0.0.71", "-n", "3")).isEqualTo(
                Map.of(0, "127.0.0.72", 1, "127.0.0.71", 2, "127.0.0.72"));
    }

    @Test
    void aMachinefileGivesEachHostItsCount() throws Exception {
        Path file = dir.resolve("machines");
        Files.writeString(file, "# two here, one there\n127.0.0.71:2\n127.0.0.70\n");
        assertThat(placement("-f", file.toString(), "-n", "4")).isEqualTo(
                Map.of(0, "127.0.0.71", 1, "127.0.0.71", 2, "127.0.0.70", 3, "127.0.0.71"));
    }

    @Test
    void mpiexecsEnvironmentTravelsToTheRanks() {
        LocalRing.Result result = ring.mpiexec("-n", "1", "sh", "-c", "echo $MPD_CONSOLE");
        assertThat(result.lines()).isEqualTo(List.of(ring.consoleAddress()));
    }

    @Test
    void genvAndEnvSetVariables() {
        LocalRing.Result result = ring.mpiexec("-genv", "COLOUR", "blue", "-n", "2", "-env", "SHAPE", "round", "sh", "-c",
                "echo $PMI_RANK $COLOUR $SHAPE", ":", "-n", "1", "sh", "-c", "echo $PMI_RANK $COLOUR ${SHAPE:-none}");
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.lines()).containsExactlyInAnyOrder("0 blue round", "1 blue round", "2 blue none");
    }

    @Test
    void mpmdSetsRunTheirOwnProgramsWithTheirOwnArguments() {
        LocalRing.Result result = ring.mpiexec("-n", "1", "echo", "master", ":", "-n", "2", "echo", "worker");
        assertThat(result.exit()).isZero();
        assertThat(result.lines()).containsExactlyInAnyOrder("master", "worker", "worker");
    }

    @Test
    void wdirSetsTheRanksWorkingDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work dir"));
        String real = work.toRealPath().toString();
        LocalRing.Result result = ring.mpiexec("-wdir", work.toString(), "-n", "3", "pwd");
        assertThat(result.lines()).hasSize(3).allMatch(line -> line.equals(real));
    }

    @Test
    void standardInputGoesToRankZeroOnly() throws Exception {
        Process mpiexec = ring.startMpiexec("-l", "-n", "3", "sh", "-c", "cat | wc -l");
        mpiexec.getOutputStream().write("a\nb\nc\n".getBytes());
        mpiexec.getOutputStream().close();
        String out = LocalRing.drain(mpiexec.getInputStream()).get();
        assertThat(mpiexec.waitFor()).isZero();
        assertThat(out.lines().toList()).containsExactlyInAnyOrder("0: 3", "1: 0", "2: 0");
    }

    @Test
    void usageErrorsExitTwoAndAnUnknownHostIsNamed() {
        assertThat(ring.mpiexec().exit()).isEqualTo(2);
        assertThat(ring.mpiexec("-n", "zero", "true").exit()).isEqualTo(2);
        assertThat(ring.mpiexec("-bogus", "true").exit()).isEqualTo(2);
        LocalRing.Result unknown = ring.mpiexec("-hosts", "nowhere", "-n", "1", "true");
        assertThat(unknown.exit()).isEqualTo(255);
        assertThat(unknown.stderr()).contains("nowhere");
    }

    @Test
    void aProgramThatCannotBeExecutedExits127NamingIt() {
        LocalRing.Result result = ring.mpiexec("-n", "2", "no-such-program-here");
        assertThat(result.exit()).isEqualTo(127);
        assertThat(result.stderr()).contains("no-such-program-here").contains("not found");
    }
}
