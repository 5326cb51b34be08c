package org.sss.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.testkit.SignedHttp;
import org.sss.testkit.SssTestSuite;
import org.sss.testkit.TestConfig;

/**
 * The web component's directory entry is like every component's: its {@code http-port} is the port that serves
 * {@code GET /metrics} and a signed {@code POST /sss}; the dashboard's address is registered apart, as its
 * {@code url} (what {@code bin/sss status} shows as the dashboard).
 */
class WebRegistrationIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void itsHttpPortServesMetricsAndMessagesAndItsUrlIsTheDashboard() throws Exception {
        try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(dir)
                .with("<web host=\"127.0.0.1\" port=\"0\" http-port=\"0\" dashboard-port=\"0\"/>"));
             Web web = Web.start(suite.config())) {
            DirectoryClient directory = new DirectoryClient(suite.client().wire(), suite.directoryEndpoint());
            Location location = await("the web's registration").atMost(WAIT).ignoreExceptions()
                    .until(() -> directory.list().stream().filter(l -> l.component().equals(Web.NAME)).findFirst(),
                            java.util.Optional::isPresent).orElseThrow();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String http = "http://" + location.host() + ":" + location.httpPort();

            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(http + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as("GET /metrics at the registered http-port").isEqualTo(200);
            assertThat(metrics.body()).contains("component=\"web\"").endsWith("# EOF\n");

            byte[] key = Files.readString(dir.resolve("keys/suite.key")).strip().getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> delivery = SignedHttp.post(client, URI.create(http + "/sss"), key,
                    "<events subscriber=\"web\"/>".getBytes(StandardCharsets.UTF_8), WAIT);
            assertThat(delivery.statusCode()).as("POST /sss at the registered http-port").isEqualTo(200);
            assertThat(delivery.body()).startsWith("<event-ok");

            assertThat(location.url()).isEqualTo("http://127.0.0.1:" + web.dashboardPort() + "/");
            assertThat(location.httpPort()).isNotEqualTo(Integer.toString(web.dashboardPort()));
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(location.url())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");
        }
    }
}
