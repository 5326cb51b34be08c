package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.PgType;

/**
 * Whom a process group runs as when its request names no user, with the process manager's default
 * {@code allow-root="false"}: the caller's account (for the suite's keys, the account the process manager runs as),
 * and never root. Sent as raw XML with the admin key, as {@code bin/ssssend --key admin process-manager -} does.
 * Run as root (as CI runs it), the requests are refused with their reason; run as anyone else, they run as that user.
 */
class ProcessManagerAccountIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static LocalRing ring;
    private static SssTestSuite suite;
    private static ProcessManager pm;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1"), 196, "--grace", "1");
        suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\""
                + " ended-retention=\"1\"/>"));
        pm = ProcessManager.start(suite.config());
        await("the process manager's registration").atMost(WAIT).until(pm.runtime()::isRegistered);
    }

    @AfterAll
    static void stop() {
        if (pm != null) {
            pm.close();
        }
        if (suite != null) {
            suite.close();
        }
        if (ring != null) {
            ring.close();
        }
    }

    private static String send(byte[] request) throws Exception {
        SssClient admin = suite.clientAs(TestKeys.ADMIN);
        return new String(admin.exchange(pm.endpoint(), request), StandardCharsets.UTF_8);
    }

    private static String send(String request) throws Exception {
        return send(request.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGroupNamingNoUserNeverRunsAsRootWhenRootIsNotAllowed() throws Exception {
        String reply = send("<create-process-group totalprocs=\"1\" output=\"merged\"><process-spec exec=\"/usr/bin/id\">"
                + "<arg idx=\"1\" value=\"-un\"/></process-spec></create-process-group>");
        if (ROOT) {
            assertThat(reply).contains("code=\"permission-denied\"", "/usr/bin/id names no user", "would run as root",
                    "allow-root");
        } else {
            String pgid = reply.replaceAll("(?s).*pgid=\"([^\"]+)\".*", "$1");
            SssClient wire = suite.clientAs(TestKeys.ADMIN);
            ProcessManagerClient client = new ProcessManagerClient(new ComponentClient(wire,
                    new DirectoryClient(wire, suite.directoryEndpoint())));
            PgType end = client.waitFor(pgid, WAIT);
            assertThat(ProcessManagerClient.text(end.getOutputStream())).isEqualTo(System.getProperty("user.name") + "\n");
        }
        assertThat(send("<create-process-group totalprocs=\"1\"><process-spec exec=\"/usr/bin/id\" user=\"root\"/>"
                + "</create-process-group>")).contains("code=\"permission-denied\"");
    }

    @Test
    void theSeedsFirstExampleRunsAsTheCallerOrIsRefusedWithItsReason() throws Exception {
        String home = System.getProperty("sss.home", System.getProperty("user.dir") + "/..");
        byte[] seed = Files.readAllBytes(Path.of(home, "process-manager", "src", "test", "resources", "seed",
                "01-create-process-group.xml"));
        String reply = send(seed);
        if (ROOT) {
            assertThat(reply).contains("code=\"permission-denied\"", "/bin/foo names no user", "would run as root");
        } else {
            assertThat(reply).contains("<process-group pgid=");
        }
    }

    private static ProcessManagerClient client(String key) {
        SssClient wire = suite.clientAs(key);
        return new ProcessManagerClient(new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint())));
    }

    @Test
    void anEndedGroupIsForgottenAfterItsRetentionUnlessAComponentIsToDeleteIt() throws Exception {
        String user = ROOT ? " user=\"nobody\"" : "";
        String create = "<create-process-group totalprocs=\"1\"><process-spec exec=\"/bin/true\"" + user
                + "/></create-process-group>";
        String byComponent = new String(suite.clientAs(TestKeys.SUITE).exchange(pm.endpoint(),
                create.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8).replaceAll("(?s).*pgid=\"([^\"]+)\".*", "$1");
        client(TestKeys.SUITE).waitFor(byComponent, WAIT);
        String byAdmin = send(create).replaceAll("(?s).*pgid=\"([^\"]+)\".*", "$1");
        ProcessManagerClient admin = client(TestKeys.ADMIN);
        assertThat(admin.waitFor(byAdmin, WAIT).getExitStatus()).isZero();
        await("the admin's group forgotten one second after its end").atMost(WAIT).until(() -> {
            try {
                admin.info(byAdmin);
                return false;
            } catch (SssException e) {
                return e.code() == ErrorCode.NOT_FOUND;
            }
        });
        assertThat(admin.info(byComponent)).as("ended earlier, but the component that created it deletes it")
                .singleElement().satisfies(group -> assertThat(group.getExitStatus()).isZero());
    }
}
