package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.MpdSecret;
import org.sss.mpd.client.MpdConsole;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.processmanager.ProcessManager;
import org.sss.queuemanager.QueueManager;
import org.sss.scheduler.Scheduler;
import org.sss.schema.GetLocation;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.LocationType;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ScriptType;

/**
 * Issue 10, item 4: a wrong key is refused by every component (challenge wire and HTTP) and by the mpds; a key
 * file that others can read stops every component (the configuration is refused as it loads), and a readable ring
 * secret stops the process and node state managers and the mpd; a user cannot act on another user's job through XML
 * on the wire nor through HTTP.
 */
class SecurityIntegrationTest {
    private static final ObjectFactory FACTORY = new ObjectFactory();

    @TempDir
    Path dir;

    @Test
    void aWrongKeyIsRefusedByEveryComponentAndEveryMpd() throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2"), 236);
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement()).with(
                     "<process-manager host=\"127.0.0.1\" port=\"0\" http-port=\"0\"/><node-state-manager host=\"127.0.0.1\" port=\"0\""
                             + " http-port=\"0\"/>"
                             + "<queue-manager host=\"127.0.0.1\" port=\"0\" http-port=\"0\"/>"
                             + "<scheduler host=\"127.0.0.1\" port=\"0\" http-port=\"0\" interval=\"60\"/>"
                             + "<nodes><node name=\"node1\"/><node name=\"node2\"/></nodes>"));
             ProcessManager pm = ProcessManager.start(suite.config());
             NodeStateManager nsm = NodeStateManager.start(suite.config());
             QueueManager qm = QueueManager.start(suite.config());
             Scheduler scheduler = Scheduler.start(suite.config())) {
            Map<String, Endpoint> components = new LinkedHashMap<>();
            components.put("service-directory", suite.directoryEndpoint());
            components.put("event-manager", suite.eventManager().endpoint());
            components.put("process-manager", pm.endpoint());
            components.put("node-state-manager", nsm.endpoint());
            components.put("queue-manager", qm.endpoint());
            components.put("scheduler", scheduler.endpoint());
            SharedKey wrong = new SharedKey("suite", "not-the-suite-key".getBytes(StandardCharsets.UTF_8),
                    new Principal("suite", Role.COMPONENT, null));
            try (SssClient intruder = new SssClient(suite.client().wire().codec(), suite.config().security().digest(), wrong,
                    suite.config().wire());
                 SssClient member = suite.clientAs(TestKeys.SUITE)) {
                for (Map.Entry<String, Endpoint> component : components.entrySet()) {
                    assertThatThrownBy(() -> intruder.call(component.getValue(), anyLocation(), Object.class))
                            .as("a wrong key at %s", component.getKey()).isInstanceOf(SssException.class)
                            .hasMessageContaining("refused");
                    assertThat(new String(member.exchange(component.getValue(), member.codec().encode(anyLocation())),
                            StandardCharsets.UTF_8)).as("the suite key at %s", component.getKey()).startsWith("<");
                }
            }
            byte[] suiteKey = key("suite");
            HttpClient http = HttpClient.newHttpClient();
            int httpPorts = 0;
            for (var location : new org.sss.lib.client.DirectoryClient(suite.client().wire(), suite.directoryEndpoint()).list()) {
                if (location.httpPort() == null) {
                    continue;
                }
                URI uri = URI.create("http://127.0.0.1:" + location.httpPort() + "/sss");
                String body = "<get-location><location component=\"*\"/></get-location>";
                assertThat(post(http, uri, "not-the-suite-key".getBytes(StandardCharsets.UTF_8), body).statusCode())
                        .as("a wrong key over HTTP at %s", location.component()).isEqualTo(401);
                assertThat(post(http, uri, null, body).statusCode()).as("no key over HTTP at %s", location.component())
                        .isEqualTo(401);
                assertThat(post(http, uri, suiteKey, body).statusCode()).isEqualTo(200);
                httpPorts++;
            }
            assertThat(httpPorts).isEqualTo(4);
            SharedKey wrongSecret = new SharedKey("ring", "MPD_SECRETWORD=wrong".getBytes(StandardCharsets.UTF_8),
                    new Principal("ring", Role.COMPONENT, null));
            for (var mpd : ring.trace()) {
                assertThatThrownBy(() -> MpdConsole.connect(mpd.endpoint(), wrongSecret).trace())
                        .as("a wrong secret at mpd %s", mpd.id()).isInstanceOf(IOException.class);
            }
            assertThat(ring.trace()).hasSize(2);
        }
    }

    @Test
    void everyComponentAndTheMpdRefuseAKeyFileOthersCanRead() throws Exception {
        Path secret = dir.resolve("ring/mpd.conf");
        Files.createDirectories(secret.getParent());
        Files.writeString(secret, "MPD_SECRETWORD=abc\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        TestConfig config = TestConfig.in(dir).with("<ring secret=\"" + secret + "\"><mpd address=\"127.0.0.1:1\"/></ring>"
                + "<process-manager host=\"127.0.0.1\" port=\"0\"/><node-state-manager host=\"127.0.0.1\" port=\"0\"/>"
                + "<queue-manager host=\"127.0.0.1\" port=\"0\"/>"
                + "<scheduler host=\"127.0.0.1\" port=\"0\"/>");
        Path file = config.write();
        Path adminKey = dir.resolve("keys/admin.key");
        Files.setPosixFilePermissions(adminKey, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.key has mode 0644");
        Files.setPosixFilePermissions(adminKey, PosixFilePermissions.fromString("rw-------"));
        SssConfig loaded = ConfigLoader.load(file);
        for (String mode : List.of("rw-rw----", "rw----r--", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(adminKey, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> ConfigLoader.load(file)).as("admin.key %s", mode).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("readable by its owner only");
        }
        Files.setPosixFilePermissions(adminKey, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        for (Starter starter : List.<Starter>of(ProcessManager::start, NodeStateManager::start)) {
            assertThatThrownBy(() -> starter.start(ConfigLoader.load(file))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("<ring> secret").hasMessageContaining("0644");
        }
        assertThatThrownBy(() -> MpdSecret.load(secret)).isInstanceOf(IOException.class).hasMessageContaining("0644");
        assertThat(loaded.security().keys().key("admin")).isPresent();
    }

    @Test
    void aUserCannotActOnAnothersJobOverTheWireNorOverHttp() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(
                "<queue-manager host=\"127.0.0.1\" port=\"0\" http-port=\"0\"/>"));
             QueueManager qm = QueueManager.start(suite.config());
             SssClient alice = suite.clientAs(TestKeys.ALICE);
             SssClient bob = suite.clientAs(TestKeys.BOB)) {
            JobSubmit submit = new JobSubmit();
            ScriptType script = new ScriptType();
            script.setName("held.sh");
            script.setValue("#!/bin/sh\n#PBS -h\ntrue\n");
            submit.setScript(script);
            submit.setWorkdir(dir.toString());
            JobType job = alice.call(qm.endpoint(), submit, Jobs.class).getJob().getFirst();
            assertThat(job.getUser()).isEqualTo("alice");
            for (Object act : List.of(FACTORY.createJobCancel(JobLists.byId(job.getId())), FACTORY.createJobHold(JobLists.byId(job.getId())),
                    FACTORY.createJobRelease(JobLists.byId(job.getId())), FACTORY.createJobRequeue(JobLists.byId(job.getId())),
                    FACTORY.createJobQuery(JobLists.byId(job.getId())))) {
                assertThatThrownBy(() -> bob.call(qm.endpoint(), act, Jobs.class)).as("bob: %s", act)
                        .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
            }
            int httpPort = Integer.parseInt(new org.sss.lib.client.DirectoryClient(suite.client().wire(), suite.directoryEndpoint())
                    .list().stream().filter(l -> l.component().equals("queue-manager")).findFirst().orElseThrow().httpPort());
            URI uri = URI.create("http://127.0.0.1:" + httpPort + "/sss");
            HttpResponse<String> refused = post(HttpClient.newHttpClient(), uri, key("bob"),
                    "<job-cancel><job id=\"" + job.getId() + "\"/></job-cancel>");
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).contains("code=\"permission-denied\"");
            assertThat(alice.call(qm.endpoint(), FACTORY.createJobQuery(JobLists.byId(job.getId())), Jobs.class).getJob().getFirst()
                    .getState().value()).isEqualTo("held");
            HttpResponse<String> own = post(HttpClient.newHttpClient(), uri, key("alice"),
                    "<job-cancel><job id=\"" + job.getId() + "\"/></job-cancel>");
            assertThat(own.body()).contains("state=\"completed\"").contains("cancelled by alice");
        }
    }

    /** Starts a component from a configuration. */
    @FunctionalInterface
    private interface Starter {
        AutoCloseable start(SssConfig config) throws Exception;
    }

    private byte[] key(String name) throws IOException {
        return Files.readString(dir.resolve("keys/" + name + ".key")).strip().getBytes(StandardCharsets.UTF_8);
    }

    private static GetLocation anyLocation() {
        GetLocation query = new GetLocation();
        LocationType any = new LocationType();
        any.setComponent("*");
        query.getLocation().add(any);
        return query;
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, byte[] key, String body)
            throws IOException, InterruptedException {
        return SignedHttp.post(client, uri, key, body.getBytes(StandardCharsets.UTF_8), java.time.Duration.ofSeconds(30));
    }
}
