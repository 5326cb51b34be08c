package org.sss.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.testkit.ForkedComponent;
import org.sss.testkit.HostileCorpus;
import org.sss.testkit.HostileHttp;
import org.sss.testkit.HostileWire;
import org.sss.testkit.SmallHeap;
import org.sss.testkit.SssTestSuite;
import org.sss.testkit.TestConfig;

/**
 * Issue 10, item 3, for the web component, which is built after the test kit's own corpus test: the corpus at its
 * challenge-wire port (where the event manager delivers), the raw HTTP cases at its dashboard, every corpus document
 * as a sign-in or a cancel body, and hostile paths and offsets. Each gets an error or a close; afterwards the wire
 * port takes a delivery and the dashboard serves its page and its API; no path reads a file outside the page. Forked
 * with a 64 MB heap ({@link SmallHeap}), it takes both corpora without dying and keeps nothing of them.
 */
class WebHostileInputIntegrationTest {
    private static final int MAX_MESSAGE = 2 * 1024 * 1024;
    /**
     * Bodies larger than this may be refused by a close: the dashboard answers after reading the few bytes a key
     * needs, and when the rest is still coming the connection is closed under the client before it reads the answer.
     */
    private static final int SMALL_BODY = 64 * 1024;
    private static final String DELIVERY = "<events subscriber=\"web\"/>";

    @TempDir
    Path dir;

    @Test
    void theCorpusAtTheWirePortAndTheDashboardGetsErrorsOrClosesAndBothServeOn() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir)
                .wire("frame-timeout=\"2\" handshake-timeout=\"2\" max-message-bytes=\"" + MAX_MESSAGE + "\"")
                .with("<web host=\"127.0.0.1\" port=\"0\" dashboard-port=\"0\"/>"));
             Web web = Web.start(suite.config())) {
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            UnaryOperator<String> answerer = HostileWire.answering(key);
            List<HostileCorpus.Case> cases = HostileCorpus.cases(MAX_MESSAGE, DELIVERY);
            for (HostileCorpus.Case hostile : cases) {
                assertThat(HostileWire.send(web.endpoint(), answerer, hostile)).as("%s on the web's wire port", hostile.name())
                        .isIn("error", "closed");
                assertThat(HostileWire.request(web.endpoint(), answerer, DELIVERY)).as("a delivery after %s", hostile.name())
                        .startsWith("<event-ok");
            }
            assertThat(HostileWire.sendAsHandshake(web.endpoint())).isEqualTo("closed");
            System.out.printf("hostile input: web (%s): %d wire cases + a garbage handshake, alive after each%n",
                    web.endpoint(), cases.size());

            String base = "http://127.0.0.1:" + web.dashboardPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            int raw = HostileHttp.drive("127.0.0.1", web.dashboardPort(), "/api/session", () -> dashboardServes(client, base));
            HostileHttp.trickleCrowd("127.0.0.1", web.dashboardPort(), "/api/session", 200, () -> dashboardServes(client, base));
            int bodies = 0;
            for (HostileCorpus.Case hostile : cases) {
                if (hostile.framing()) {
                    continue;
                }
                List<String> refusals = hostile.payload().length > SMALL_BODY ? List.of("401", "403", "closed")
                        : List.of("401", "403");
                assertThat(statusOrClosed(client, base + "/api/session", hostile.payload()))
                        .as("%s as a sign-in", hostile.name()).isIn(refusals);
                assertThat(statusOrClosed(client, base + "/api/jobs/1/cancel", hostile.payload()))
                        .as("%s as a cancel without a session", hostile.name()).isIn(refusals);
                dashboardServes(client, base);
                bodies++;
            }
            assertThat(statusOrClosed(client, base + "/api/session", new byte[MAX_MESSAGE])).as("a 2 MB sign-in")
                    .isIn("401", "closed");
            dashboardServes(client, base);
            List<String> paths = List.of("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                    "/api/../../etc/passwd", "/app.js/../../../etc/passwd", "/api/jobs/1/output?offset=-1",
                    "/api/jobs/1/output?offset=abc", "/api/jobs/1/output?offset=99999999999999999999999",
                    "/api/jobs/1/output?stream=../../../etc/passwd", "/api/jobs/9999999999999999999999/output",
                    "/api/jobs/1%00/output", "/api/jobs/1%5Bx%5D/output", "/api/nothing");
            for (String path : paths) {
                HttpResponse<String> response = get(client, base + path);
                assertThat(response.statusCode()).as("GET %s", path).isBetween(400, 599);
                assertThat(response.body()).as("GET %s", path).doesNotContain("root:");
                dashboardServes(client, base);
            }
            assertThat(statusWithHost(web.dashboardPort(), "evil.example")).as("a page re-bound to 127.0.0.1 reads nothing")
                    .isEqualTo("401");
            assertThat(statusWithHost(web.dashboardPort(), "localhost")).as("read (no queue manager runs here: 502)")
                    .isIn("200", "502");
            System.out.printf("hostile input: web dashboard %s: %d raw HTTP cases, %d bodies as sign-ins and cancels,"
                    + " %d hostile paths, serving after each%n", base, raw, bodies, paths.size());
        }
    }

    @Test
    void inA64MegabyteHeapTheWebTakesBothCorporaAndKeepsNothingOfThem() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir)
                .wire("frame-timeout=\"2\" handshake-timeout=\"2\" max-message-bytes=\"" + MAX_MESSAGE + "\"")
                .with("<web host=\"127.0.0.1\" port=\"0\" dashboard-port=\"0\"/>"));
             ForkedComponent web = ForkedComponent.start("web", SmallHeap.OPTIONS, WebMain.class, dir.resolve("logs"),
                     "--config", suite.configFile().toString())) {
            DirectoryClient directory = new DirectoryClient(suite.client().wire(), suite.directoryEndpoint());
            Location location = await("the web's registration").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> directory.list().stream().filter(l -> l.component().equals(Web.NAME)).findFirst(),
                            java.util.Optional::isPresent).orElseThrow();
            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            UnaryOperator<String> answerer = HostileWire.answering(key);
            SmallHeap.drive("web (wire)", web, HostileCorpus.cases(MAX_MESSAGE, DELIVERY),
                    hostile -> HostileWire.send(location.endpoint(), answerer, hostile),
                    () -> assertThat(HostileWire.request(location.endpoint(), answerer, DELIVERY)).startsWith("<event-ok"));
            int port = java.net.URI.create(location.url()).getPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            SmallHeap.drive("web (dashboard)", web, HostileHttp.cases("/api/session"), hostile -> {
                String outcome = HostileHttp.send("127.0.0.1", port, hostile);
                return HostileHttp.refused(outcome, hostile) ? "closed" : outcome;
            }, () -> dashboardServes(client, "http://127.0.0.1:" + port));
        }
    }

    /** The status of GET /api/jobs from loopback naming HOST in its Host header (a browser's request does). */
    private static String statusWithHost(int port, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) HostileWire.CASE_DEADLINE.toMillis());
            socket.getOutputStream().write(("GET /api/jobs HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return status.length() == 12 ? status.substring(9, 12) : "closed";
        }
    }

    private static void dashboardServes(HttpClient client, String base) throws IOException, InterruptedException {
        HttpResponse<String> page = get(client, base + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html");
        assertThat(get(client, base + "/api/session").body()).contains("<visitor");
    }

    /** A refusal may come as a status or, when the server stops reading a large body, as a closed connection. */
    private static String statusOrClosed(HttpClient client, String uri, byte[] body) throws InterruptedException {
        try {
            return Integer.toString(post(client, uri, body).statusCode());
        } catch (IOException e) {
            return "closed";
        }
    }

    private static HttpResponse<String> get(HttpClient client, String uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(HostileWire.CASE_DEADLINE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String uri, byte[] body)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(HostileWire.CASE_DEADLINE)
                .header("X-SSS-Action", "cancel").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
