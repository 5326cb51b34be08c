package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.xml.bind.JAXBElement;
import java.nio.charset.StandardCharsets;
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
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.CreatepgType;
import org.sss.schema.PgType;

/**
 * A process group held to limits on an mpd that cannot confine jobs (started with {@code --cgroups none}, as a
 * non-root mpd or a host without control groups is): the group is told, on its error stream, what is not
 * enforced, its {@code cput} becomes each process's RLIMIT_CPU, and nothing is measured; and a group whose
 * allocation does not hold the host its ranks would run on is refused. One mpd (node1 on 127.0.0.153) under the
 * process manager.
 */
class UnconfinedJobsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalRing ring;
    private static SssTestSuite suite;
    private static ProcessManager pm;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1"), 153, "--grace", "1", "--cgroups", "none");
        suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with(
                "<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"));
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

    private static ProcessManagerClient client() {
        SssClient wire = suite.clientAs(TestKeys.SUITE);
        return new ProcessManagerClient(new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint())));
    }

    private static CreatepgType parse(String xml) throws SssException {
        Object decoded = suite.client().wire().codec().decode(xml.getBytes(StandardCharsets.UTF_8));
        return (CreatepgType) ((JAXBElement<?>) decoded).getValue();
    }

    @Test
    void aGroupOnAHostWithoutControlGroupsIsToldWhatIsNotEnforced() throws SssException {
        ProcessManagerClient client = client();
        String pgid = client.create(parse("""
                <create-process-group totalprocs="1" allocation="node1" memory-limit="104857600" cpu-limit="5">
                  <process-spec exec="/bin/sh"><arg idx="1" value="-c"/><arg idx="2" value="echo cpu limit $(ulimit -t)"/>
                  </process-spec>
                </create-process-group>"""));
        PgType end = client.waitFor(pgid, WAIT);
        assertThat(end.getExitStatus()).isZero();
        assertThat(ProcessManagerClient.text(end.getOutputStream())).isEqualTo("cpu limit 5\n");
        assertThat(ProcessManagerClient.text(end.getErrorStream())).contains(
                "mpd node1: job " + pgid + " is not confined on this host (control groups are turned off",
                "its memory limit (100 MB) is not enforced",
                "its cput is enforced per process only (RLIMIT_CPU)",
                "processes that leave its session outlive it");
        assertThat(end.getCpuTime()).as("nothing measured it").isNull();
        assertThat(end.getMaxMemory()).isNull();
    }

    @Test
    void aGroupWhoseRanksWouldRunOutsideItsAllocationIsRefused() throws SssException {
        ProcessManagerClient client = client();
        SssException refused = null;
        try {
            client.create(parse("""
                    <create-process-group totalprocs="1" pgid="outside" allocation="node7 node8">
                      <process-spec exec="/bin/true"/>
                      <host-spec>node1</host-spec>
                    </create-process-group>"""));
        } catch (SssException e) {
            refused = e;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("job outside was given node7,node8 only: node1 is outside its allocation",
                "no rank was started");
    }
}
