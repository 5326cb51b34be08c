package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.eventmanager.EventManagerMain;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.MpdMain;
import org.sss.mpd.client.RingMember;
import org.sss.nodestatemanager.NodeStateManagerMain;
import org.sss.processmanager.ProcessManagerMain;
import org.sss.queuemanager.QueueManagerMain;
import org.sss.scheduler.SchedulerMain;
import org.sss.servicedirectory.ServiceDirectoryMain;
import org.sss.testkit.HostileCorpus.Case;

/**
 * Issue 10, item 3, "memory stays bounded": every component and an mpd, each in a JVM of its own with a 64 MB heap
 * that exits on {@code OutOfMemoryError}, takes the whole corpus at its wire port. After each case it must still
 * be running and answer a normal request, so no case needed more than that heap; after the corpus its live heap
 * (after a full collection) may exceed what it held before by at most 8 MB, so no case leaves its
 * bytes behind ({@link SmallHeap}). Prints each component's live heap before and after.
 */
class HostileInputMemoryIntegrationTest {
    private static final int MAX_MESSAGE = 2 * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROBE = HostileCorpus.PROBE;
    private static final Map<String, HostileCorpus.Normal> NORMAL = HostileCorpus.NORMAL;

    @Test
    void everyComponentInA64MegabyteHeapTakesTheCorpusAndKeepsNothingOfIt(@TempDir Path dir) throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1"), 236)) {
            Path file = TestConfig.in(dir).with(ring.configElement()).directoryPort(freePort())
                    .wire("frame-timeout=\"2\" handshake-timeout=\"2\" max-message-bytes=\"" + MAX_MESSAGE + "\"")
                    .with("<queue-manager host=\"127.0.0.1\" port=\"0\"/>"
                            + "<scheduler host=\"127.0.0.1\" port=\"0\" interval=\"60\"/>"
                            + "<process-manager host=\"127.0.0.1\" port=\"0\"/>"
                            + "<node-state-manager host=\"127.0.0.1\" port=\"0\"/>"
                            + "<nodes><node name=\"node1\"/><node name=\"node2\"/></nodes>")
                    .write();
            SssConfig config = org.sss.lib.config.ConfigLoader.load(file);
            Path logs = dir.resolve("logs");
            Map<String, Class<?>> mains = new LinkedHashMap<>();
            mains.put("service-directory", ServiceDirectoryMain.class);
            mains.put("event-manager", EventManagerMain.class);
            mains.put("queue-manager", QueueManagerMain.class);
            mains.put("scheduler", SchedulerMain.class);
            mains.put("process-manager", ProcessManagerMain.class);
            mains.put("node-state-manager", NodeStateManagerMain.class);
            List<ForkedComponent> forks = new ArrayList<>();
            try (SssClient client = SssClient.fromConfig(config)) {
                Map<String, ForkedComponent> components = new LinkedHashMap<>();
                for (Map.Entry<String, Class<?>> main : mains.entrySet()) {
                    ForkedComponent fork = ForkedComponent.start(main.getKey(), SmallHeap.OPTIONS, main.getValue(), logs,
                            "--config", file.toString());
                    forks.add(fork);
                    components.put(main.getKey(), fork);
                }
                ForkedComponent mpd = ForkedComponent.start("mpd-node2", SmallHeap.OPTIONS, MpdMain.class, logs, "--host", "node2",
                        "--listen", "127.0.0.237:0", "--secret", ring.secret().toString(), "--join", ring.consoleAddress(),
                        "--frame-timeout", "2");
                forks.add(mpd);
                DirectoryClient directory = new DirectoryClient(client, config.directoryEndpoint());
                await("every component registered").atMost(WAIT).ignoreExceptions().until(() -> directory.list().stream()
                        .map(Location::component).collect(Collectors.toSet())
                        .containsAll(Set.copyOf(mains.keySet()).stream().filter(c -> !c.equals("service-directory")).toList()));
                Map<String, Endpoint> endpoints = new LinkedHashMap<>();
                endpoints.put("service-directory", config.directoryEndpoint());
                for (Location location : directory.list()) {
                    endpoints.putIfAbsent(location.component(), location.endpoint());
                }
                byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
                List<Case> cases = HostileCorpus.cases(MAX_MESSAGE, PROBE);
                for (Map.Entry<String, ForkedComponent> component : components.entrySet()) {
                    String name = component.getKey();
                    Endpoint endpoint = endpoints.get(name);
                    UnaryOperator<String> answerer = HostileWire.answering(key);
                    SmallHeap.drive(name, component.getValue(), cases, hostile -> HostileWire.send(endpoint, answerer, hostile),
                            () -> assertThat(HostileWire.request(endpoint, answerer, NORMAL.get(name).request()))
                                    .startsWith(NORMAL.get(name).replyStart()));
                }
                await("the joining mpd in the ring").atMost(WAIT).until(() -> ring.trace().size() == 2);
                Endpoint mpdPort = ring.trace().stream().filter(m -> m.host().equals("node2")).findFirst()
                        .map(RingMember::endpoint).orElseThrow();
                SharedKey secret = ring.secretKey();
                List<Case> mpdCases = new ArrayList<>(cases);
                mpdCases.add(HostileCorpus.raw("frame: larger than an mpd's maximum", (16 * 1024 * 1024 + 1) + " x"));
                SmallHeap.drive("mpd node2", mpd, mpdCases, hostile -> HostileWire.send(mpdPort,
                        challenge -> secret.answer(Digest.HMAC_SHA256, challenge), hostile),
                        () -> assertThat(ring.trace()).hasSize(2));
            } finally {
                for (ForkedComponent fork : forks.reversed()) {
                    fork.close();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
