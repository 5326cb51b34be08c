package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.xml.bind.JAXBElement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Endpoint;
import org.sss.processmanager.ProcessManager;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.CreatepgType;
import org.sss.schema.EventType;
import org.sss.schema.PgType;
import org.sss.schema.ProcType;

/**
 * The process manager over a ring of three mpds (node1..node3 on 127.0.0.120-122) with a real directory and event
 * manager: the seed's examples, every operation, MPMD groups, limits, co-processes, the three output modes,
 * permissions and events. The process manager allows root (tests run as root; groups that name no user run as the
 * process manager's account): {@link ProcessManagerAccountIntegrationTest} covers the default, which refuses it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessManagerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static LocalRing ring;
    private static SssTestSuite suite;
    private static ProcessManager pm;
    private static Path scripts;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2", "node3"), 120, "--grace", "1");
        suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with("<process-manager host=\"127.0.0.1\" port=\"0\" kill-grace=\"1\" output-limit=\"65536\""
                + " allow-root=\"true\"/>"));
        pm = ProcessManager.start(suite.config());
        await("the process manager's registration").atMost(WAIT).until(pm.runtime()::isRegistered);
        scripts = dir.resolve("scripts");
        Files.createDirectories(scripts);
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

    private static ProcessManagerClient as(String key) {
        SssClient wire = suite.clientAs(key);
        return new ProcessManagerClient(new ComponentClient(wire, new DirectoryClient(wire, suite.directoryEndpoint())));
    }

    private static CreatepgType parse(String xml) throws SssException {
        Object decoded = suite.client().wire().codec().decode(xml.getBytes(StandardCharsets.UTF_8));
        return (CreatepgType) ((JAXBElement<?>) decoded).getValue();
    }

    private static String text(org.sss.schema.StreamType stream) {
        return ProcessManagerClient.text(stream);
    }

    private static SssException failure(Call call) {
        try {
            call.run();
        } catch (SssException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    private interface Call {
        void run() throws SssException;
    }

    /** The seed's examples, as copied into the process manager's test resources. */
    private static byte[] seed(String name) throws IOException {
        String home = System.getProperty("sss.home", System.getProperty("user.dir") + "/..");
        return Files.readAllBytes(Path.of(home, "process-manager", "src", "test", "resources", "seed", name));
    }

    @Test
    @Order(1)
    void theSeedsExamplesWorkUnchanged() throws Exception {
        Endpoint endpoint = pm.endpoint();
        SssClient wire = suite.client().wire();
        String created = new String(wire.exchange(endpoint, seed("01-create-process-group.xml")), StandardCharsets.UTF_8);
        assertThat(created).contains("<process-group pgid=\"1\"/>");
        String info = new String(wire.exchange(endpoint, seed("02-get-process-group-info.xml")), StandardCharsets.UTF_8);
        assertThat(info).contains("<process-groups>", "pgid=\"1\"", "submitter=\"desai\"", "totalprocs=\"32\"",
                "exec=\"/bin/foo\"", "host=\"node1\"", "host=\"node2\"");
        String killed = new String(wire.exchange(endpoint, seed("03-kill-process-group.xml")), StandardCharsets.UTF_8);
        assertThat(killed).contains("<process-groups>", "pgid=\"1\"", "submitter=\"desai\"").doesNotContain("<error");
        PgType end = as(TestKeys.SUITE).waitFor("1", WAIT);
        assertThat(end.getExitStatus()).as("/bin/foo does not exist").isEqualTo(127);
        assertThat(end.getExitCode()).hasSize(32);
        assertThat(end.getCoProcess()).as("tv-server is not in /bin:/usr/sbin").isNotEmpty()
                .allSatisfy(co -> assertThat(co.getExitStatus()).isEqualTo(127));
    }

    @Test
    void anMpmdGroupRunsEachSpecWhereAskedAndWaitReturnsEveryExitCode() throws SssException {
        ProcessManagerClient client = as(TestKeys.SUITE);
        String pgid = client.create(parse("""
                <create-process-group submitter="carol" totalprocs="3" output="label">
                  <process-spec exec="/bin/sh" range="0-1" cwd="/tmp">
                    <arg idx="1" value="-c"/><arg idx="2" value="echo first $PMI_RANK in $(pwd) on $MPD_HOST; exit $PMI_RANK"/>
                  </process-spec>
                  <process-spec exec="sh" range="2" path="/usr/bin:/bin">
                    <arg idx="1" value="-c"/><arg idx="2" value="echo second $PMI_RANK $GREETING >&amp;2"/>
                    <env name="GREETING" value="hello world"/>
                  </process-spec>
                  <host-spec>node2 node2 node3</host-spec>
                </create-process-group>"""));
        PgType end = client.waitFor(pgid, WAIT);
        assertThat(end.getState().value()).isEqualTo("ended");
        assertThat(end.getExitStatus()).isEqualTo(1);
        assertThat(end.getReason()).contains("rank 1", "node2", "status 1");
        assertThat(end.getExitCode()).extracting(e -> e.getRank() + "@" + e.getHost() + "=" + e.getStatus())
                .containsExactly("0@node2=0", "1@node2=1", "2@node3=0");
        assertThat(end.getExitCode()).allSatisfy(e -> assertThat(Integer.parseInt(e.getPid())).isPositive());
        assertThat(text(end.getOutputStream())).contains("0: first 0 in /tmp on node2\n", "1: first 1 in /tmp on node2\n");
        assertThat(text(end.getErrorStream())).isEqualTo("2: second 2 hello world\n");
        PgType info = client.info(pgid).getFirst();
        assertThat(info.getProcess()).extracting(ProcType::getExec).containsExactly("/bin/sh", "/bin/sh", "sh");
        assertThat(info.getProcess()).allSatisfy(p -> {
            assertThat(p.getState().value()).isEqualTo("exited");
            assertThat(p.getSession()).isEqualTo(p.getPid());
        });
        assertThat(info.getProcessSpec()).hasSize(2);
        assertThat(client.delete(pgid)).extracting(PgType::getPgid).containsExactly(pgid);
        assertThat(failure(() -> client.info(pgid)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void theThreeOutputModes() throws SssException {
        ProcessManagerClient client = as(TestKeys.SUITE);
        String program = """
                <process-spec exec="/bin/sh"><arg idx="1" value="-c"/><arg idx="2" value="printf 'a%sb\\n' $PMI_RANK"/></process-spec>""";
        String merged = client.create(parse("<create-process-group totalprocs=\"2\" output=\"merged\">" + program
                + "</create-process-group>"));
        String label = client.create(parse("<create-process-group totalprocs=\"2\" output=\"label\">" + program
                + "</create-process-group>"));
        String discard = client.create(parse("<create-process-group totalprocs=\"2\" output=\"discard\">" + program
                + "</create-process-group>"));
        assertThat(text(client.waitFor(merged, WAIT).getOutputStream()).lines()).containsExactlyInAnyOrder("a0b", "a1b");
        assertThat(text(client.waitFor(label, WAIT).getOutputStream()).lines()).containsExactlyInAnyOrder("0: a0b", "1: a1b");
        PgType discarded = client.waitFor(discard, WAIT);
        assertThat(discarded.getExitStatus()).isZero();
        assertThat(discarded.getOutputStream()).isNull();
        assertThat(discarded.getErrorStream()).isNull();
    }

    @Test
    void limitsAndCoProcessesApply() throws SssException, IOException {
        Path monitor = scripts.resolve("monitor");
        Files.writeString(monitor, "#!/bin/sh\necho \"watching ranks $SSS_RANKS as pids $SSS_PIDS\"\n");
        Files.setPosixFilePermissions(monitor, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessManagerClient client = as(TestKeys.SUITE);
        String pgid = client.create(parse("""
                <create-process-group totalprocs="2" output="label">
                  <process-spec exec="/bin/sh" co-process="%s">
                    <arg idx="1" value="-c"/><arg idx="2" value="echo nofile=$(ulimit -n) cpu=$(ulimit -t); sleep 0.5"/>
                    <limit type="nofile" value="77"/><limit type="cpu" value="30:60"/>
                  </process-spec>
                  <host-spec>node1</host-spec>
                </create-process-group>""".formatted(monitor)));
        PgType end = client.waitFor(pgid, WAIT);
        assertThat(end.getExitStatus()).isZero();
        String output = text(end.getOutputStream());
        assertThat(output).contains("0: nofile=77 cpu=30", "1: nofile=77 cpu=30");
        assertThat(output).containsPattern("co-process node1: watching ranks 0 1 as pids [0-9]+ [0-9]+");
        await("the co-process's end").atMost(WAIT).until(() -> client.info(pgid).getFirst().getCoProcess().stream()
                .anyMatch(co -> co.getExitStatus() != null));
        assertThat(client.info(pgid).getFirst().getCoProcess()).singleElement().satisfies(co -> {
            assertThat(co.getHost()).isEqualTo("node1");
            assertThat(co.getExec()).isEqualTo(monitor.toString());
        });
    }

    @Test
    void signalCheckpointAndKillAGroup() throws SssException {
        ProcessManagerClient client = as(TestKeys.SUITE);
        Path seen = scripts.resolve("signals");
        String pgid = client.create(parse("""
                <create-process-group totalprocs="3" output="label">
                  <process-spec exec="/bin/sh"><arg idx="1" value="-c"/>
                    <arg idx="2" value="trap 'echo checkpoint; touch %1$s-ckpt-$PMI_RANK' USR1;
                      trap 'echo usr2; touch %1$s-usr2-$PMI_RANK' USR2; while :; do sleep 0.1; done"/>
                  </process-spec>
                </create-process-group>""".formatted(seen)));
        await("every rank runs").atMost(WAIT).until(() -> client.info(pgid).getFirst().getProcess().stream()
                .allMatch(p -> "running".equals(p.getState().value())));
        assertThat(failure(() -> client.delete(pgid)).code()).isEqualTo(ErrorCode.INVALID_STATE);
        PgType checkpointed = client.checkpoint(pgid).getFirst();
        assertThat(checkpointed.getProcess()).hasSize(3).allSatisfy(p -> assertThat(p.isDelivered()).isTrue());
        await("every rank's checkpoint").atMost(WAIT).until(() -> Files.exists(Path.of(seen + "-ckpt-0"))
                && Files.exists(Path.of(seen + "-ckpt-1")) && Files.exists(Path.of(seen + "-ckpt-2")));
        PgType signalled = client.signal(pgid, "SIGUSR2", false, 2).getFirst();
        assertThat(signalled.getProcess()).singleElement().satisfies(p -> {
            assertThat(p.getRank()).isEqualTo(2);
            assertThat(p.isDelivered()).isTrue();
        });
        await("rank 2's USR2").atMost(WAIT).until(() -> Files.exists(Path.of(seen + "-usr2-2")));
        assertThat(failure(() -> client.signal(pgid, "NOSUCH", true, null)).code()).isEqualTo(ErrorCode.BAD_VALUE);
        assertThat(failure(() -> client.signal(pgid, "USR2", true, 7)).code()).isEqualTo(ErrorCode.BAD_VALUE);
        assertThat(client.kill(pgid)).extracting(PgType::getPgid).containsExactly(pgid);
        PgType end = client.waitFor(pgid, WAIT);
        assertThat(end.getExitStatus()).isEqualTo(143);
        assertThat(end.getReason()).contains("TERM");
        String output = text(end.getOutputStream());
        assertThat(output).contains("0: checkpoint", "1: checkpoint", "2: checkpoint", "2: usr2").doesNotContain("0: usr2");
        assertThat(failure(() -> client.signal(pgid, "TERM", true, null)).code()).isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(client.kill(pgid)).as("killing an ended group is not an error").hasSize(1);
    }

    @Test
    void usersActOnlyOnTheirOwnGroupsAndAdminsOnAll() throws SssException {
        ProcessManagerClient alice = as(TestKeys.ALICE);
        ProcessManagerClient bob = as(TestKeys.BOB);
        ProcessManagerClient admin = as(TestKeys.ADMIN);
        String pgid = admin.create(parse("<create-process-group totalprocs=\"1\" submitter=\"alice\">"
                + "<process-spec exec=\"/bin/sleep\"><arg idx=\"1\" value=\"30\"/></process-spec></create-process-group>"));
        await("the group runs").atMost(WAIT).until(() -> "running".equals(alice.info(pgid).getFirst().getProcess().getFirst()
                .getState().value()));
        assertThat(failure(() -> bob.signal(pgid, "TERM", true, null)).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(failure(() -> bob.kill(pgid)).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(failure(() -> bob.info(pgid)).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(failure(() -> bob.checkpoint(pgid)).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(bob.info("*")).extracting(PgType::getPgid).doesNotContain(pgid);
        assertThat(alice.info("*")).extracting(PgType::getPgid).contains(pgid);
        assertThat(failure(() -> bob.create(parse("<create-process-group totalprocs=\"1\" submitter=\"alice\">"
                + "<process-spec exec=\"true\"/></create-process-group>"))).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(admin.kill(pgid)).extracting(PgType::getPgid).containsExactly(pgid);
        assertThat(alice.waitFor(pgid, WAIT).getExitStatus()).isEqualTo(143);
    }

    @Test
    void aUsersOwnGroupRunsAsThatUser() throws SssException {
        ProcessManagerClient alice = as(TestKeys.ALICE);
        String pgid = alice.create(parse("<create-process-group totalprocs=\"1\"><process-spec exec=\"/usr/bin/id\">"
                + "<arg idx=\"1\" value=\"-un\"/></process-spec></create-process-group>"));
        PgType end = alice.waitFor(pgid, WAIT);
        assertThat(end.getSubmitter()).isEqualTo("alice");
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(end.getExitStatus()).as("a root mpd runs it as alice, who does not exist here").isEqualTo(126);
            assertThat(text(end.getErrorStream())).contains("no such user: alice");
        } else {
            assertThat(end.getExitStatus()).as("an mpd that is not root cannot switch users").isEqualTo(127);
            assertThat(text(end.getErrorStream())).contains("not root");
        }
    }

    @Test
    void processesStartInTheHomeOfTheirUserWithoutACwd() throws SssException, IOException {
        ProcessManagerClient admin = as(TestKeys.ADMIN);
        String own = admin.create(parse("<create-process-group totalprocs=\"1\"><process-spec exec=\"/bin/pwd\"/>"
                + "</create-process-group>"));
        assertThat(text(admin.waitFor(own, WAIT).getOutputStream())).isEqualTo(System.getProperty("user.home") + "\n");
        if ("root".equals(System.getProperty("user.name"))) {
            String daemonHome = Files.readAllLines(Path.of("/etc/passwd")).stream().map(line -> line.split(":"))
                    .filter(fields -> fields[0].equals("daemon")).map(fields -> fields[5]).findFirst().orElseThrow();
            String other = admin.create(parse("<create-process-group totalprocs=\"1\"><process-spec exec=\"/bin/pwd\""
                    + " user=\"daemon\"/></create-process-group>"));
            String expected = Files.isDirectory(Path.of(daemonHome)) ? daemonHome : "/";
            assertThat(text(admin.waitFor(other, WAIT).getOutputStream())).isEqualTo(expected + "\n");
        }
    }

    @Test
    void eventsTellSignalAndEndInOrderTyped() throws SssException {
        try (RecordingSubscriber subscriber = RecordingSubscriber.start(suite.config(), "pm-events-test", null,
                org.sss.lib.runtime.Subscriptions.filter(ProcessManager.NAME, "process-group-*", null))) {
            await("the subscription").atMost(WAIT).until(subscriber.runtime()::isRegistered);
            ProcessManagerClient client = as(TestKeys.SUITE);
            // Probes until the event of one of them comes: an event comes a little after its group's end is known, so
            // the probe just made is usually not the one whose event is in yet.
            List<String> probes = new java.util.concurrent.CopyOnWriteArrayList<>();
            await("the subscription is accepted").atMost(WAIT).ignoreExceptions().until(() -> {
                String probe = client.create(parse("<create-process-group totalprocs=\"1\" output=\"discard\">"
                        + "<process-spec exec=\"true\"/></create-process-group>"));
                client.waitFor(probe, WAIT);
                probes.add(probe);
                return probes.stream().anyMatch(made -> !mine(subscriber, made).isEmpty());
            });
            String pgid = client.create(parse("<create-process-group totalprocs=\"2\"><process-spec exec=\"/bin/sh\">"
                    + "<arg idx=\"1\" value=\"-c\"/><arg idx=\"2\" value=\"trap 'exit 0' USR1; while :; do sleep 0.1; done\"/>"
                    + "</process-spec></create-process-group>"));
            await("every rank runs").atMost(WAIT).until(() -> client.info(pgid).getFirst().getProcess().stream()
                    .allMatch(p -> "running".equals(p.getState().value())));
            client.signal(pgid, "USR1", false, null);
            assertThat(client.waitFor(pgid, WAIT).getExitStatus()).isZero();
            await("two events").atMost(WAIT).until(() -> mine(subscriber, pgid).size() == 2);
            List<EventType> events = mine(subscriber, pgid);
            assertThat(events).extracting(EventType::getMsg).containsExactly("process-group-signal", "process-group-end");
            assertThat(events.get(0).getProcessGroup().getSignal()).isEqualTo("USR1");
            assertThat(events.get(1).getProcessGroup().getExitStatus()).isZero();
            assertThat(events.get(1).getProcessGroup().isLaunched()).isTrue();
            assertThat(events).allSatisfy(e -> assertThat(e.getData()).as("facts travel typed, not as text").isNull());
        }
    }

    private static List<EventType> mine(RecordingSubscriber subscriber, String pgid) {
        return subscriber.events().stream().filter(e -> e.getProcessGroup() != null
                && pgid.equals(e.getProcessGroup().getPgid())).toList();
    }

    @Test
    void badRequestsGetErrorsAndTheComponentKeepsServing() throws SssException, IOException {
        ProcessManagerClient client = as(TestKeys.SUITE);
        assertThat(failure(() -> client.create(parse("<create-process-group totalprocs=\"1\"><process-spec exec=\"true\"/>"
                + "<host-spec>node9</host-spec></create-process-group>"))).getMessage()).contains("node9");
        assertThat(failure(() -> client.info("4711")).code()).isEqualTo(ErrorCode.NOT_FOUND);
        String reply = new String(suite.client().wire().exchange(pm.endpoint(),
                "<create-process-group totalprocs='zero'/>".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(reply).contains("<error type=\"Validation\" code=\"schema-invalid\"");
        String again = client.create(parse("<create-process-group totalprocs=\"1\" pgid=\"job-42\"><process-spec exec=\"true\"/>"
                + "</create-process-group>"));
        assertThat(again).isEqualTo("job-42");
        assertThat(client.create(parse("<create-process-group totalprocs=\"1\" pgid=\"job-42\"><process-spec exec=\"true\"/>"
                + "</create-process-group>"))).as("creating the same pgid again is idempotent").isEqualTo("job-42");
        assertThat(client.waitFor("job-42", WAIT).getExitStatus()).isZero();
        assertThat(as(TestKeys.ADMIN).info("job-*")).extracting(PgType::getPgid).containsExactly("job-42");
    }
}
