package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.xml.bind.JAXBElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.error.SssException;
import org.sss.mpd.client.RingMember;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.processmanager.ProcessManagerMain;
import org.sss.schema.CreatepgType;
import org.sss.schema.PgType;

/**
 * The process manager survives its own death and the death of the mpd that leads a group: killed with -9 and
 * restarted, it finds its running groups on the ring again under the same pgids, and a client waiting on a group
 * still gets its end; a group whose leading mpd dies ends as lost, and new groups go through another mpd.
 */
class ProcessManagerRestartIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static CreatepgType parse(SssTestSuite suite, String xml) throws SssException {
        Object decoded = suite.client().wire().codec().decode(xml.getBytes(StandardCharsets.UTF_8));
        return (CreatepgType) ((JAXBElement<?>) decoded).getValue();
    }

    private static SssTestSuite suite(Path dir, LocalRing ring) throws java.io.IOException {
        return SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" allow-root=\"true\"/>"));
    }

    private static ForkedComponent forkProcessManager(SssTestSuite suite, Path dir) {
        ForkedComponent pm = ForkedComponent.start("process-manager", ProcessManagerMain.class, dir.resolve("logs"),
                "--config", suite.configFile().toString());
        await("the process manager's registration").atMost(WAIT).ignoreExceptions()
                .until(() -> !suite.client().directory().locateAll(ProcessManager.NAME).isEmpty()
                        && new ProcessManagerClient(suite.client()).info("*") != null);
        return pm;
    }

    @Test
    void killedWithMinus9AndRestartedItStillFollowsItsGroups(@TempDir Path dir) throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 130, "--grace", "1");
             SssTestSuite suite = suite(dir, ring)) {
            ProcessManagerClient client = new ProcessManagerClient(suite.client());
            try (ForkedComponent first = forkProcessManager(suite, dir)) {
                followedAcrossAKill(suite, dir, client, first);
            }
        }
    }

    /** The body of the test above, with the first process manager closed whatever happens (a fork must not outlive it). */
    private static void followedAcrossAKill(SssTestSuite suite, Path dir, ProcessManagerClient client, ForkedComponent first)
            throws Exception {
        String pgid = client.create(parse(suite, """
                <create-process-group totalprocs="3" output="label">
                  <process-spec exec="/bin/sh"><arg idx="1" value="-c"/>
                    <arg idx="2" value="echo started; sleep 30; echo finished"/></process-spec>
                </create-process-group>"""));
        await("every rank runs").atMost(WAIT).until(() -> client.info(pgid).getFirst().getProcess().stream()
                .allMatch(p -> "running".equals(p.getState().value())));
        String job = client.info(pgid).getFirst().getRingJob();
        CompletableFuture<PgType> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return client.waitFor(pgid, WAIT);
            } catch (SssException e) {
                throw new IllegalStateException(e);
            }
        });
        first.kill9();
        ForkedComponent second = forkProcessManager(suite, dir);
        try {
            PgType again = client.info(pgid).getFirst();
            assertThat(again.getState().value()).isEqualTo("running");
            assertThat(again.getRingJob()).isEqualTo(job);
            await("pids known again").atMost(WAIT).until(() -> client.info(pgid).getFirst().getProcess().stream()
                    .allMatch(p -> p.getPid() != null));
            PgType end = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(end.getExitStatus()).isZero();
            assertThat(end.getExitCode()).extracting(org.sss.schema.ExitCodeType::getStatus)
                    .containsExactly(0, 0, 0);
            String output = new String(Base64.getDecoder().decode(end.getOutputStream().getValue()), StandardCharsets.UTF_8);
            assertThat(output.lines()).containsExactlyInAnyOrder("0: started", "1: started", "2: started",
                    "0: finished", "1: finished", "2: finished");
        } finally {
            second.stop(Duration.ofSeconds(20));
        }
    }

    @Test
    void aGroupWhoseLeadingMpdDiesEndsAsLostAndTheNextGoesThroughAnotherMpd(@TempDir Path dir) throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 135, "--grace", "1");
             SssTestSuite suite = suite(dir, ring);
             ProcessManager pm = ProcessManager.start(suite.config())) {
            await("registration").atMost(WAIT).until(pm.runtime()::isRegistered);
            ProcessManagerClient client = new ProcessManagerClient(suite.client());
            String pgid = client.create(parse(suite, "<create-process-group totalprocs=\"2\"><process-spec exec=\"sleep\">"
                    + "<arg idx=\"1\" value=\"30\"/></process-spec><host-spec>node2 node3</host-spec></create-process-group>"));
            assertThat(client.info(pgid).getFirst().getRingJob()).endsWith("@node1");
            RingMember node2 = ring.trace().stream().filter(m -> m.id().equals("node2")).findFirst().orElseThrow();
            ring.useConsole(node2.endpoint().toString());
            ring.mpds().getFirst().kill9();
            ring.awaitSize(2, WAIT);
            PgType end = client.waitFor(pgid, WAIT);
            assertThat(end.getExitStatus()).isEqualTo(255);
            assertThat(end.getReason()).contains("lost", "node1");
            String next = client.create(parse(suite, "<create-process-group totalprocs=\"2\"><process-spec exec=\"true\"/>"
                    + "</create-process-group>"));
            assertThat(client.info(next).getFirst().getRingJob()).doesNotEndWith("@node1");
            assertThat(client.waitFor(next, WAIT).getExitStatus()).isZero();
        }
    }

    @Test
    void aJobTaggedAsAnUnknownGroupIsKilledWhenTheProcessManagerStarts(@TempDir Path dir) throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2"), 138, "--grace", "1");
             SssTestSuite suite = suite(dir, ring);
             org.sss.mpd.client.MpdConsole console = ring.console()) {
            java.util.concurrent.CompletableFuture<org.sss.mpd.client.JobEvent.Ended> ended = new CompletableFuture<>();
            console.launch(org.sss.mpd.client.JobRequest.of(org.sss.mpd.client.JobRequest.ProcessSet.of(2, "sleep", "60"))
                    .detached("pg:77:0123abcd", 4096), event -> {
                        if (event instanceof org.sss.mpd.client.JobEvent.Ended end) {
                            ended.complete(end);
                        }
                    });
            try (ProcessManager pm = ProcessManager.start(suite.config())) {
                assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(143);
                await("registration").atMost(WAIT).until(pm.runtime()::isRegistered);
                assertThat(new ProcessManagerClient(suite.client()).info("*")).as("the orphan is not adopted").isEmpty();
            }
        }
    }
}
