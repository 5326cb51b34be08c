package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.PmixSecurity;

/**
 * A local user who learns a PMIx job's namespace and rank (here: root's job, read from the rank's environment, as
 * a guess of {@code sss.N@HOST} would give them) poses as that rank: {@code pmix_impostor}, run as nobody, with
 * {@code fake_uid.so} preloaded so that the library claims uid 0. With {@code --pmix-security munge} the server takes
 * only clients munged vouches for, and refuses it; with {@code native} (OpenPMIx's default when munged is not used)
 * the same impostor gets in, which is what the munge mode is for. A tool that names itself as the job is attached under
 * a name of its own, in both modes: its queries are refused and its spawn is not the job's. With munge a tool's query
 * must carry a munge credential: nobody asking in the name of root's tool (its secret name, learnt) is refused, which
 * native cannot tell. Needs munged (bin/sss test starts it as root) and root, to run the impostor as nobody.
 */
class PmixSecurityIntegrationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /**
     * What the impostors said: posing as root's rank, as a tool named as the job, as a tool named otherwise, and as a
     * tool asking in the name of root's tool (its secret name, learnt) without a credential; and root's own tool.
     */
    private record Attempts(LocalRing.Result asRank, LocalRing.Result asJobNamedTool, LocalRing.Result asOwnTool,
                            LocalRing.Result asRootsTool, LocalRing.Result rootsTool) {
    }

    /**
     * Starts root's job on a ring in the given mode, then the impostors as nobody with its rank's PMIx variables.
     *
     * @return what they said
     */
    private static Attempts poseAsRootsRank(Path dir, String mode, int firstHost) throws IOException {
        String impostor = MpiPrograms.openMpi("pmix_impostor");
        Path fakeUid = Path.of(impostor).resolveSibling("fake_uid.so");
        Path env = dir.resolve("rank.env");
        try (LocalRing ring = LocalRing.start(dir, 1, firstHost, "--pmix-security", mode)) {
            Process job = ring.startMpiexec("--pmi", "pmix", "-n", "1", "sh", "-c",
                    "env > " + env + ".part && mv " + env + ".part " + env + " && sleep 60");
            try {
                await("the rank's environment").atMost(DEADLINE).until(() -> Files.exists(env));
                List<String> asNobody = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "nobody", "--", "env", "-i"));
                String nspace = null;
                for (String line : Files.readAllLines(env)) {
                    if (line.startsWith("PMIX_") && !line.startsWith("PMIX_SECURITY_MODE=")) {
                        asNobody.add(line);
                    }
                    if (line.startsWith("PMIX_NAMESPACE=")) {
                        nspace = line.substring("PMIX_NAMESPACE=".length());
                    }
                }
                assertThat(nspace).startsWith("sss.");
                // The rank's impostor picks native, whose credential is what getuid() says: 0, preloaded.
                List<String> rank = new ArrayList<>(asNobody);
                rank.addAll(List.of("PMIX_SECURITY_MODE=native", "FAKE_UID=0", "LD_PRELOAD=" + fakeUid, impostor));
                // The tools know only the server's address (a port any local user sees listening).
                List<String> tool = new ArrayList<>(asNobody.subList(0, 6));
                tool.add(asNobody.stream().filter(word -> word.startsWith("PMIX_SERVER_URI4=")).findFirst().orElseThrow());
                List<String> jobNamedTool = new ArrayList<>(tool);
                jobNamedTool.addAll(List.of(impostor, "--tool", nspace));
                List<String> ownTool = new ArrayList<>(tool);
                ownTool.addAll(List.of(impostor, "--tool", "nobodys-tool"));
                // Root's tool, named by the server; a tool of nobody's then asks in its name.
                List<String> rootTool = new ArrayList<>(tool.subList(4, tool.size()));
                rootTool.addAll(List.of(impostor, "--tool", "-"));
                LocalRing.Result roots = LocalRing.run(rootTool);
                String rootsName = roots.stdout().lines().findFirst().orElse("").replaceFirst("^connected as ", "")
                        .replaceFirst(":0$", "");
                assertThat(rootsName).as(roots.stdout() + roots.stderr()).startsWith("sss-tool.");
                List<String> asRoots = new ArrayList<>(tool);
                asRoots.addAll(List.of(impostor, "--query-as", rootsName));
                return new Attempts(LocalRing.run(rank), LocalRing.run(jobNamedTool), LocalRing.run(ownTool),
                        LocalRing.run(asRoots), roots);
            } finally {
                job.destroyForcibly();
            }
        }
    }

    @Test
    void withMungeAnotherUserCannotPoseAsARootJobsRank(@TempDir Path dir) throws IOException {
        assertThat(System.getProperty("user.name")).as("run as root (bin/sss test does), to run the impostor as nobody")
                .isEqualTo("root");
        assertThat(PmixSecurity.AUTO.resolve(PmixSecurity.MUNGE_SOCKET)).as("munged answers at %s (bin/sss test installs"
                + " munge and starts it as root)", PmixSecurity.MUNGE_SOCKET).isEqualTo(PmixSecurity.MUNGE);

        Attempts munge = poseAsRootsRank(dir.resolve("munge"), "munge", 214);
        assertThat(munge.asRank().exit()).as(munge.asRank().stdout() + munge.asRank().stderr()).isEqualTo(1);
        assertThat(munge.asRank().stdout()).startsWith("refused:");
        // A tool that names itself as the job is attached (the library cannot turn it away safely), but not as the
        // job: its query is refused, and its spawn is not the job's (which would run as root).
        assertThat(munge.asJobNamedTool().stdout()).as(munge.asJobNamedTool().stderr())
                .contains("query: NO-PERMISSIONS").containsPattern("spawn: (?!SUCCESS)");
        assertThat(munge.asOwnTool().stdout()).as("nobody's own tool, named otherwise, attaches: "
                + munge.asOwnTool().stderr()).startsWith("connected as nobodys-tool:");
        // With munge a query proves its user by a credential (mpdproctable sends one): a name alone is no proof.
        assertThat(munge.rootsTool().stdout()).as("root's tool, without a credential").contains("query: NO-PERMISSIONS");
        assertThat(munge.asRootsTool().stdout()).as("nobody asking in the name of root's tool")
                .contains("query: NO-PERMISSIONS");

        Attempts nativeMode = poseAsRootsRank(dir.resolve("native"), "native", 216);
        assertThat(nativeMode.asRank().exit()).as("the same impostor, native: " + nativeMode.asRank().stdout()
                + nativeMode.asRank().stderr()).isZero();
        assertThat(nativeMode.asRank().stdout()).startsWith("connected as sss.");
        assertThat(nativeMode.asJobNamedTool().stdout()).contains("query: NO-PERMISSIONS")
                .containsPattern("spawn: (?!SUCCESS)");
        assertThat(nativeMode.asRootsTool().stdout()).as("native goes by the name: the weakness munge closes")
                .contains("query: SUCCESS");
    }
}
