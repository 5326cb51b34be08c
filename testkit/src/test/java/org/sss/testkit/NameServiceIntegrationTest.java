package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.JobRequest.ProcessSet;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.MpdRequestException;

/**
 * Issue 21 item 5: the ring's name service between separate jobs on different hosts of a ring of 4 — MPICH's
 * MPI_Publish_name/MPI_Lookup_name over PMI-1, a C PMIx client's PMIx_Lookup with PMIX_WAIT started before the
 * publisher, Open MPI's MPI_Publish_name over PMIx — and one user's names invisible to another.
 */
class NameServiceIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    static LocalRing ring;

    @BeforeAll
    static void start() {
        ring = LocalRing.start(dir, 4, 220, "--grace", "2");
    }

    @AfterAll
    static void stop() {
        ring.close();
    }

    /** An mpiexec left running: its output read as it comes, its standard input closed on {@link #release}. */
    private static final class Running implements AutoCloseable {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final CompletableFuture<String> err;

        Running(String... args) {
            process = ring.startMpiexec(args);
            InputStream stdout = process.getInputStream();
            Thread.ofPlatform().daemon().start(() -> {
                byte[] buffer = new byte[4096];
                try (stdout) {
                    for (int n; (n = stdout.read(buffer)) > 0; ) {
                        out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    out.append("(unreadable: ").append(e.getMessage()).append(")");
                }
            });
            err = LocalRing.drain(process.getErrorStream());
        }

        void awaitOutput(String text) {
            await("mpiexec prints " + text).atMost(WAIT).until(() -> {
                if (!process.isAlive() && !out.toString().contains(text)) {
                    throw new IllegalStateException("mpiexec ended with " + process.exitValue() + " without printing "
                            + text + ": " + out + err.getNow(""));
                }
                return out.toString().contains(text);
            });
        }

        int release() throws IOException, InterruptedException {
            process.getOutputStream().close();
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("mpiexec ends").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static String leaderLog() {
        return ring.mpds().getFirst().output();
    }

    @Test
    void mpichJobsPublishAndLookUpANameAcrossHosts() throws Exception {
        String names = MpiPrograms.path("names");
        LocalRing.Result before = ring.mpiexec("-hosts", "127.0.0.221", "-n", "1", names, "lookup", "mpich-ocean");
        assertThat(before.exit()).as(before.stderr()).isZero();
        assertThat(before.lines()).containsExactly("not found mpich-ocean: error class MPI_ERR_NAME");

        try (Running publisher = new Running("-hosts", "127.0.0.223", "-n", "2", names, "publish", "mpich-ocean",
                "tag#0$port-of-a$")) {
            publisher.awaitOutput("published mpich-ocean\n");
            LocalRing.Result found = ring.mpiexec("-hosts", "127.0.0.221", "-n", "2", names, "lookup", "mpich-ocean");
            assertThat(found.exit()).as(found.stderr()).isZero();
            assertThat(found.lines()).containsExactly("found mpich-ocean tag#0$port-of-a$");
            LocalRing.Result again = ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", names, "publish", "mpich-ocean",
                    "another");
            assertThat(again.lines()).as("a name published twice")
                    .containsExactly("publish failed mpich-ocean: error class MPI_ERR_NAME");
            assertThat(publisher.release()).isZero();
            assertThat(publisher.out.toString()).contains("unpublished mpich-ocean");
        }
        LocalRing.Result after = ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", names, "lookup", "mpich-ocean");
        assertThat(after.lines()).containsExactly("not found mpich-ocean: error class MPI_ERR_NAME");
    }

    @Test
    void aPmixLookupStartedBeforeThePublisherWaitsForIt() throws Exception {
        String client = MpiPrograms.path("pmix_names");
        try (Running lookup = new Running("-hosts", "127.0.0.221", "-n", "1", client, "lookup", "pmix-river", "60")) {
            lookup.awaitOutput("waiting pmix-river\n");
            await("the leader holds the lookup").atMost(WAIT).until(() -> leaderLog().contains("waits for [pmix-river]"));
            assertThat(lookup.out.toString()).doesNotContain("found");
            try (Running publisher = new Running("-hosts", "127.0.0.223", "-n", "1", client, "publish", "pmix-river",
                    "port-of-b")) {
                publisher.awaitOutput("published pmix-river\n");
                lookup.awaitOutput("found pmix-river port-of-b from sss.");
                LocalRing.Result twice = ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", client, "publish", "pmix-river",
                        "other");
                assertThat(twice.lines()).containsExactly("publish pmix-river failed: DUPLICATE KEY");
                assertThat(lookup.release()).isZero();
                assertThat(lookup.out.toString()).containsPattern("from sss\\.\\d+@127\\.0\\.0\\.220 0\n");
                assertThat(publisher.release()).isZero();
                assertThat(publisher.out.toString()).contains("unpublished pmix-river");
            }
        }
        LocalRing.Result integer = ring.mpiexec("-n", "1", client, "publish-int", "pmix-number");
        assertThat(integer.lines()).as("only strings are published").containsExactly("publish-int pmix-number: NOT-SUPPORTED");
        try (Running empty = new Running("-hosts", "127.0.0.223", "-n", "1", client, "publish", "pmix-empty", "")) {
            empty.awaitOutput("published pmix-empty\n");
            assertThat(ring.mpiexec("-hosts", "127.0.0.221", "-n", "1", client, "lookup", "pmix-empty", "5").lines())
                    .as("an empty value").element(1).asString().startsWith("found pmix-empty  from sss.");
            assertThat(empty.release()).isZero();
        }
        assertThat(ring.mpiexec("-n", "1", client, "publish-many", "64").lines()).containsExactly("publish-many 64: SUCCESS");
        assertThat(ring.mpiexec("-n", "1", client, "publish-many", "65").lines()).as("more keys than a request may carry")
                .containsExactly("publish-many 65: BAD-PARAM");
        LocalRing.Result timeout = ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", client, "lookup", "pmix-river", "1");
        assertThat(timeout.lines()).containsExactly("waiting pmix-river", "lookup pmix-river failed: TIMEOUT");
    }

    @Test
    void openMpiPublishesOverPmixAndMpichFindsTheNameOverPmi1() throws Exception {
        String names = MpiPrograms.openMpi("names");
        try (Running publisher = new Running("-hosts", "127.0.0.222", "-n", "2", names, "publish", "ompi-lake", "port-c")) {
            publisher.awaitOutput("published ompi-lake\n");
            LocalRing.Result openMpi = ring.mpiexec("-hosts", "127.0.0.221", "-n", "1", names, "lookup", "ompi-lake");
            assertThat(openMpi.exit()).as(openMpi.stderr()).isZero();
            assertThat(openMpi.lines()).containsExactly("found ompi-lake port-c");
            LocalRing.Result mpich = ring.mpiexec("-hosts", "127.0.0.223", "-n", "1", MpiPrograms.path("names"), "lookup",
                    "ompi-lake");
            assertThat(mpich.lines()).containsExactly("found ompi-lake port-c");
            assertThat(publisher.release()).isZero();
        }
        LocalRing.Result after = ring.mpiexec("-hosts", "127.0.0.221", "-n", "1", names, "lookup", "ompi-lake");
        assertThat(after.lines()).containsExactly("not found ompi-lake: error class MPI_ERR_NAME");
    }

    @Test
    void aJobsNamesGoWhenItEndsWithoutUnpublishing() {
        String names = MpiPrograms.path("names");
        Running publisher = new Running("-hosts", "127.0.0.223", "-n", "1", names, "publish", "mpich-killed", "port-k");
        try (publisher) {
            publisher.awaitOutput("published mpich-killed\n");
            assertThat(ring.mpiexec("-n", "1", names, "lookup", "mpich-killed").lines())
                    .containsExactly("found mpich-killed port-k");
        }
        await("the killed publisher's name is gone").atMost(WAIT).until(() -> ring.mpiexec("-hosts", "127.0.0.222", "-n",
                "1", names, "lookup", "mpich-killed").lines().equals(List.of("not found mpich-killed: error class MPI_ERR_NAME")));
    }

    /** A raw PMI-1 client publishes until refused, then sends names, ports and requests out of bounds. */
    @Test
    void aFloodOfNamesStopsAtTheUsersLimitAndHostileRequestsAreRefused() {
        String client = MpiPrograms.path("pmi_names");
        LocalRing.Result flood = ring.mpiexec("-hosts", "127.0.0.222", "-n", "1", client, "flood", "flood-");
        assertThat(flood.exit()).as(flood.stderr()).isZero();
        assertThat(flood.lines()).containsExactly("published 1024, then: too_many_names_published",
                "long service: service_or_port_too_long",
                "long port: error value_of_port_longer_than_1024_characters",
                "no service: error",
                "lookup flood-0: port-0");
        await("the flood's names go with its job").atMost(WAIT).until(() -> ring.mpiexec("-hosts", "127.0.0.221", "-n", "1",
                client, "lookup", "flood-1023").lines().equals(List.of("lookup flood-1023: fail service_flood-1023_not_found")));
        LocalRing.Result published = ring.mpiexec("-n", "1", client, "flood", "again-");
        assertThat(published.lines()).first().isEqualTo("published 1024, then: too_many_names_published");
    }

    @Test
    void anotherUsersLookupDoesNotSeeTheName() throws Exception {
        assumeThat(System.getProperty("user.name")).as("ranks run as another user only under a root mpd").isEqualTo("root");
        String names = MpiPrograms.path("names");
        try (Running publisher = new Running("-hosts", "127.0.0.222", "-n", "1", names, "publish", "root-only", "port-r")) {
            publisher.awaitOutput("published root-only\n");
            assertThat(lookupAs("", names)).isEqualTo("found root-only port-r\n");
            assertThat(lookupAs("nobody", names)).isEqualTo("not found root-only: error class MPI_ERR_NAME\n");
            assertThat(publisher.release()).isZero();
        }
    }

    /** Looks root-only up through the process manager's console, as {@code user} (empty: the mpd's own). */
    private static String lookupAs(String user, String names) throws IOException, MpdRequestException {
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        Consumer<JobEvent> sink = events::add;
        try (MpdConsole console = ring.console()) {
            console.launch(JobRequest.of(new ProcessSet(1, names, List.of("lookup", "root-only"), List.of(), user,
                    List.of(), "", "/", "", "")).placedOn(List.of("127.0.0.221")), sink);
            await("the lookup as " + user + " ends").atMost(WAIT)
                    .until(() -> events.stream().anyMatch(JobEvent.Ended.class::isInstance));
        }
        StringBuilder out = new StringBuilder();
        events.stream().filter(JobEvent.Output.class::isInstance).map(JobEvent.Output.class::cast)
                .forEach(o -> out.append(new String(o.data(), StandardCharsets.UTF_8)));
        JobEvent.Ended end = events.stream().filter(JobEvent.Ended.class::isInstance).map(JobEvent.Ended.class::cast)
                .findFirst().orElseThrow();
        assertThat(end.status()).as(out.toString()).isZero();
        return out.toString();
    }
}
