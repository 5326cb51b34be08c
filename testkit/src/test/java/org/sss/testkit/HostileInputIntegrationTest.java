package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.testkit.HostileCorpus.Case;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.client.RingMember;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.processmanager.ProcessManager;
import org.sss.queuemanager.QueueManager;
import org.sss.scheduler.Scheduler;

/**
 * Issue 10, item 3: the hostile input corpus ({@link HostileCorpus}) driven against every
 * component's challenge-wire port (after a good handshake, and as the handshake answer) and their HTTP ports: each
 * case gets an {@code <error>} reply or a clean close within a deadline, and afterwards the component answers a
 * normal request; the mpds (whose wire is the same challenge with the ring's secret) stay in a whole ring; PMI-1
 * lines at an mpd's PMI port get {@code cmd=error} or a close and jobs still run. Prints one line per target with the
 * count of cases.
 */
class HostileInputIntegrationTest {
    private static final int MAX_MESSAGE = 2 * 1024 * 1024;
    private static final Duration CASE_DEADLINE = HostileWire.CASE_DEADLINE;
    private static final String PROBE = HostileCorpus.PROBE;
    private static final Map<String, HostileCorpus.Normal> NORMAL = HostileCorpus.NORMAL;

    @TempDir
    Path dir;

    @Test
    void everyCaseOnEveryPortGetsAnErrorOrACloseAndTheComponentServesOn() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir)
                .wire("frame-timeout=\"2\" handshake-timeout=\"2\" max-message-bytes=\"" + MAX_MESSAGE + "\"")
                .with("<queue-manager host=\"127.0.0.1\" port=\"0\" http-port=\"0\"/>"
                        + "<scheduler host=\"127.0.0.1\" port=\"0\" http-port=\"0\" interval=\"60\"/>"));
             QueueManager qm = QueueManager.start(suite.config());
             Scheduler scheduler = Scheduler.start(suite.config())) {
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            Map<String, Endpoint> wire = new LinkedHashMap<>();
            wire.put("service-directory", suite.directoryEndpoint());
            wire.put("event-manager", suite.eventManager().endpoint());
            wire.put("queue-manager", qm.endpoint());
            wire.put("scheduler", scheduler.endpoint());
            List<Case> cases = HostileCorpus.cases(MAX_MESSAGE, PROBE);
            for (Map.Entry<String, Endpoint> target : wire.entrySet()) {
                int survived = 0;
                for (Case hostile : cases) {
                    String outcome = HostileWire.send(target.getValue(), HostileWire.answering(key), hostile);
                    assertThat(outcome).as("%s on %s", hostile.name(), target.getKey()).isIn("error", "closed");
                    assertThat(probe(target.getValue(), key, target.getKey())).as("%s answers after %s", target.getKey(),
                            hostile.name()).startsWith(NORMAL.get(target.getKey()).replyStart());
                    survived++;
                }
                assertThat(HostileWire.sendAsHandshake(target.getValue())).as("garbage handshake on %s", target.getKey()).isEqualTo("closed");
                assertThat(probe(target.getValue(), key, target.getKey())).startsWith(NORMAL.get(target.getKey()).replyStart());
                System.out.printf("hostile input: %s (%s): %d wire cases + a garbage handshake, alive after each%n",
                        target.getKey(), target.getValue(), survived);
            }
            for (Case hostile : cases) {
                assertThat(sendLocal(qm.socket(), hostile.bytes(), hostile.slow())).as("%s on the queue manager's socket",
                        hostile.name()).isIn("error", "closed");
                assertThat(sendLocal(qm.socket(), HostileCorpus.framed(normal("queue-manager")), false)).startsWith("<jobs");
            }
            System.out.printf("hostile input: queue-manager socket %s: %d cases, alive after each%n", qm.socket(), cases.size());
            httpCorpus(suite, key, cases, List.of("queue-manager", "scheduler"));
        }
    }

    @Test
    void theRingsComponentsAndTheMpdsSurviveTheCorpusToo() throws Exception {
        try (LocalRing ring = LocalRing.startNamed(dir.resolve("ring"), List.of("node1", "node2"), 232,
                "--frame-timeout", "2");
             SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir).with(ring.configElement())
                     .wire("frame-timeout=\"2\" handshake-timeout=\"2\" max-message-bytes=\"" + MAX_MESSAGE + "\"")
                     .with("<process-manager host=\"127.0.0.1\" port=\"0\" http-port=\"0\"/><node-state-manager host=\"127.0.0.1\" port=\"0\""
                             + " http-port=\"0\"/>"
                             + "<nodes><node name=\"node1\"/><node name=\"node2\"/></nodes>"));
             ProcessManager pm = ProcessManager.start(suite.config());
             NodeStateManager nsm = NodeStateManager.start(suite.config())) {
            ring.awaitSize(2, Duration.ofSeconds(30));
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            List<Case> cases = HostileCorpus.cases(MAX_MESSAGE, PROBE);
            Map<String, Endpoint> wire = Map.of("process-manager", pm.endpoint(), "node-state-manager", nsm.endpoint());
            for (Map.Entry<String, Endpoint> target : wire.entrySet()) {
                for (Case hostile : cases) {
                    assertThat(HostileWire.send(target.getValue(), HostileWire.answering(key), hostile)).as("%s on %s", hostile.name(), target.getKey())
                            .isIn("error", "closed");
                    assertThat(probe(target.getValue(), key, target.getKey())).as("%s answers after %s", target.getKey(),
                            hostile.name()).startsWith(NORMAL.get(target.getKey()).replyStart());
                }
                assertThat(HostileWire.sendAsHandshake(target.getValue())).isEqualTo("closed");
                System.out.printf("hostile input: %s (%s): %d wire cases + a garbage handshake, alive after each%n",
                        target.getKey(), target.getValue(), cases.size());
            }
            httpCorpus(suite, key, cases, List.of("process-manager", "node-state-manager"));
            pmiCorpus(ring);
            var secret = ring.secretKey();
            List<Case> mpdCases = new ArrayList<>(cases);
            mpdCases.add(HostileCorpus.raw("frame: larger than an mpd's maximum", (16 * 1024 * 1024 + 1) + " x"));
            for (RingMember mpd : ring.trace()) {
                for (Case hostile : mpdCases) {
                    String outcome = HostileWire.send(mpd.endpoint(),
                            challenge -> secret.answer(Digest.HMAC_SHA256, challenge), hostile);
                    assertThat(outcome).as("%s on mpd %s", hostile.name(), mpd.id()).doesNotStartWith("no answer");
                    assertThat(ring.trace()).as("the ring after %s on mpd %s", hostile.name(), mpd.id()).hasSize(2);
                }
                assertThat(HostileWire.sendAsHandshake(mpd.endpoint())).isEqualTo("closed");
                assertThat(ring.trace()).hasSize(2);
                System.out.printf("hostile input: mpd %s (%s): %d cases + a garbage handshake, the ring whole after each%n",
                        mpd.id(), mpd.endpoint(), mpdCases.size());
            }
        }
    }

    @Test
    void theDirectoryAndEventManagerHttpPortsSurviveTheCorpus() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path file = TestConfig.in(dir).directoryPort(port).wire("max-message-bytes=\"" + MAX_MESSAGE + "\"").write();
        String xml = Files.readString(file);
        Files.writeString(file, xml.replace("<service-directory host=", "<service-directory http-port=\"0\" host=")
                .replace("<event-manager host=", "<event-manager http-port=\"0\" host="));
        org.sss.lib.config.SssConfig config = org.sss.lib.config.ConfigLoader.load(file);
        try (org.sss.servicedirectory.ServiceDirectory directory = org.sss.servicedirectory.ServiceDirectory.start(config);
             org.sss.eventmanager.EventManager events = org.sss.eventmanager.EventManager.start(config);
             org.sss.lib.client.SssClient wire = org.sss.lib.client.SssClient.fromConfig(config)) {
            org.awaitility.Awaitility.await("the event manager's registration").atMost(Duration.ofSeconds(30))
                    .until(events.runtime()::isRegistered);
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            httpCorpus(wire, directory.endpoint(), key, HostileCorpus.cases(MAX_MESSAGE, PROBE), List.of("service-directory", "event-manager"));
        }
    }

    /** The payload cases by signed {@code POST /sss} on the HTTP port of each named component, and an oversized body. */
    private static void httpCorpus(SssTestSuite suite, byte[] key, List<Case> cases, List<String> components)
            throws Exception {
        httpCorpus(suite.client().wire(), suite.directoryEndpoint(), key, cases, components);
    }

    private static void httpCorpus(org.sss.lib.client.SssClient wire, Endpoint directoryEndpoint, byte[] key, List<Case> cases,
                                   List<String> components) throws Exception {
        DirectoryClient directory = new DirectoryClient(wire, directoryEndpoint);
        List<Location> http = new ArrayList<>();
        for (Location location : directory.list()) {
            if (location.httpPort() != null && components.contains(location.component())) {
                http.add(location);
            }
        }
        assertThat(http).extracting(Location::component).containsExactlyInAnyOrderElementsOf(components);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Location location : http) {
            URI uri = URI.create("http://" + location.host() + ":" + location.httpPort() + "/sss");
            int count = 0;
            for (Case hostile : cases) {
                if (hostile.framing()) {
                    continue;
                }
                HttpResponse<String> response = post(client, uri, key, hostile.payload());
                assertThat(response.statusCode()).as("%s over HTTP to %s", hostile.name(), location.component())
                        .isIn(200, 400, 413);
                assertThat(response.body()).as("%s over HTTP to %s", hostile.name(), location.component()).contains("<error");
                assertThat(post(client, uri, key, normal(location.component())).body())
                        .startsWith(NORMAL.get(location.component()).replyStart());
                count++;
            }
            HttpResponse<String> tooLarge = post(client, uri, key, new byte[MAX_MESSAGE + 1]);
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(post(client, uri, key, normal(location.component())).statusCode()).isEqualTo(200);
            int raw = HostileHttp.drive(location.host(), Integer.parseInt(location.httpPort()), "/sss",
                    () -> assertThat(post(client, uri, key, normal(location.component())).body())
                            .startsWith(NORMAL.get(location.component()).replyStart()));
            HostileHttp.trickleCrowd(location.host(), Integer.parseInt(location.httpPort()), "/sss", 80,
                    () -> assertThat(post(client, uri, key, normal(location.component())).body())
                            .startsWith(NORMAL.get(location.component()).replyStart()));
            System.out.printf("hostile input: %s HTTP %s: %d cases + an oversized body + %d raw HTTP cases, alive after"
                    + " each%n", location.component(), uri, count, raw);
        }
    }

    /**
     * PMI-1 lines at an mpd's PMI port (found from a rank's PMI_PORT): each gets {@code cmd=error} or a close, and an
     * MPI-style job still gets its PMI answers afterwards.
     */
    private static void pmiCorpus(LocalRing ring) throws Exception {
        LocalRing.Result probe = ring.mpiexec("-n", "4", "-hosts", "node1", "sh", "-c", "echo $PMI_PORT $PMI_ID");
        assertThat(probe.exit()).isZero();
        List<String[]> ranks = probe.stdout().lines().map(line -> line.split(" ")).toList();
        Endpoint pmi = Endpoint.parse(ranks.getFirst()[0]);
        List<Long> ids = ranks.stream().map(rank -> Long.parseLong(rank[1])).toList();
        assertThat(ids).as("PMI_IDs are drawn at random, so a local user cannot bind as another job's rank").hasSize(4)
                .doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isBetween(1L, (long) Integer.MAX_VALUE))
                .allSatisfy(id -> assertThat(ids.stream().filter(other -> !other.equals(id) && Math.abs(other - id) < 1000))
                        .as("ids near %d", id).isEmpty());
        List<Case> lines = List.of(
                HostileCorpus.raw("pmi: initack with an unknown pmiid", "cmd=initack pmiid=999999\n"),
                HostileCorpus.raw("pmi: initack with a non-numeric pmiid", "cmd=initack pmiid=abc\n"),
                HostileCorpus.raw("pmi: get before initack", "cmd=get kvsname=kvs_1 key=x\n"),
                HostileCorpus.raw("pmi: no cmd", "kvsname=x key=y\n"),
                HostileCorpus.raw("pmi: a line longer than the maximum", "cmd=put " + "k=v ".repeat(1000) + "\n"),
                HostileCorpus.raw("pmi: more lines than allowed before initack", "cmd=init pmi_version=1 pmi_subversion=1\n".repeat(20)),
                new Case("pmi: binary bytes", new byte[] {0, (byte) 0xff, (byte) 0xfe, 1, 2, '=', '\n'}, false),
                new Case("pmi: slow loris, never naming its rank", "cmd=init pmi_version=1 pmi_subversion=1\n"
                        .repeat(2).getBytes(StandardCharsets.US_ASCII), true),
                HostileCorpus.raw("pmi: idle, never naming its rank", ""));
        for (Case hostile : lines) {
            String outcome = sendPmi(pmi, hostile);
            assertThat(outcome).as(hostile.name()).isIn("error", "closed");
            LocalRing.Result after = ring.mpiexec("-n", "2", "sh", "-c", "echo rank $PMI_RANK");
            assertThat(after.exit()).as("a job after %s", hostile.name()).isZero();
        }
        System.out.printf("hostile input: PMI port %s: %d cases, jobs run after each%n", pmi, lines.size());
    }

    /** @return "error" when a {@code cmd=error} came back, "closed" when the mpd closed the connection */
    private static String sendPmi(Endpoint pmi, Case hostile) throws IOException, InterruptedException {
        try (Socket socket = connect(pmi)) {
            OutputStream out = socket.getOutputStream();
            try {
                for (byte b : hostile.bytes()) {
                    out.write(b);
                    if (hostile.slow()) {
                        out.flush();
                        Thread.sleep(400);
                    }
                }
                out.flush();
            } catch (IOException e) {
                return "closed";
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(StandardCharsets.UTF_8).contains("cmd=error")) {
                        return "error";
                    }
                }
                return "closed";
            } catch (SocketTimeoutException e) {
                return "no answer within " + CASE_DEADLINE.toSeconds() + " s: " + answer;
            } catch (IOException e) {
                return "closed";
            }
        }
    }

    /** The local wire: the same frames over the queue manager's Unix-domain socket, without a handshake. */
    private static String sendLocal(Path socket, byte[] bytes, boolean slow) throws IOException, InterruptedException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(CASE_DEADLINE.toMillis());
                    channel.close();
                } catch (InterruptedException | IOException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                OutputStream out = Channels.newOutputStream(channel);
                try {
                    if (slow) {
                        for (byte b : bytes) {
                            out.write(b);
                            Thread.sleep(400);
                        }
                    } else {
                        out.write(bytes);
                    }
                } catch (IOException e) {
                    return "closed";
                }
                InputStream in = Channels.newInputStream(channel);
                StringBuilder count = new StringBuilder();
                int b;
                while ((b = in.read()) != -1 && b != ' ' && count.length() < 12) {
                    count.append((char) b);
                }
                if (b != ' ') {
                    return count.isEmpty() ? "closed" : count.toString();
                }
                String reply = new String(in.readNBytes(Integer.parseInt(count.toString())), StandardCharsets.UTF_8);
                return reply.contains("<error") ? "error" : reply;
            } catch (IOException e) {
                return channel.isOpen() ? "closed" : "no answer within " + CASE_DEADLINE.toSeconds() + " s";
            } finally {
                watchdog.interrupt();
            }
        }
    }

    private static byte[] normal(String component) {
        return NORMAL.get(component).request().getBytes(StandardCharsets.UTF_8);
    }

    private static String probe(Endpoint endpoint, byte[] key, String component) throws IOException {
        return HostileWire.request(endpoint, HostileWire.answering(key), NORMAL.get(component).request());
    }

    private static Socket connect(Endpoint endpoint) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5000);
        socket.setSoTimeout((int) CASE_DEADLINE.toMillis());
        return socket;
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, byte[] key, byte[] body)
            throws IOException, InterruptedException {
        return SignedHttp.post(client, uri, key, body, CASE_DEADLINE);
    }
}
