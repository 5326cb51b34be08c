package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sss-pmix helper between a PMIx tool and the mpd, without a ring: mpdproctable (built with the module) attaches
 * to the helper through the library's rendezvous file, its queries reach the mpd's side as {@code query} lines
 * naming the asking user, and what this test answers in the mpd's stead comes back to the tool as PMIx results
 * (a table of pmix_proc_info_t with an escaped program name, a status; a namespace left unanswered is not found).
 */
class PmixQueryNativeTest {
    private static final Path HELPER = Path.of("target", "native", "sss-pmix");
    private static final Path TOOL = Path.of("target", "native", "mpdproctable");

    /** Answers queries as an mpd running job 9@q on hosts q0 and q1 would. */
    private static final class FakeMpd implements PmixHelper.Upcalls {
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<String> tools = new CopyOnWriteArrayList<>();
        volatile PmixHelper helper;

        @Override
        public void query(long id, String user, byte[] body) {
            String request = new String(body, StandardCharsets.UTF_8);
            asked.add(user + "|" + request);
            StringBuilder answer = new StringBuilder();
            String[] lines = request.split("\n");
            for (int i = 0; i < lines.length; i++) {
                switch (lines[i]) {
                    case "ns -" -> answer.append(i).append(" ns sss.9@q\n");
                    case "jst sss.9@q" -> answer.append(i).append(" jst running\n");
                    case "ptable sss.9@q" -> answer.append(i).append(" procs sss.9@q\n")
                            .append(i).append(" proc 1 4102 q1 /bin/a%20b\n")
                            .append(i).append(" proc 0 4101 q0 /bin/c\n");
                    default -> {
                        // not running here: left unanswered
                    }
                }
            }
            helper.queryDone(id, "ok", answer.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void tool(String status, long uid, long pid) {
            tools.add(status + " " + uid);
        }

        @Override
        public void connected(String nspace, long rank) {
        }

        @Override
        public void finalized(long id, String nspace, long rank) {
            helper.answer(id, "ok");
        }

        @Override
        public void aborted(long id, String nspace, long rank, int status, String why) {
        }

        @Override
        public void fence(long id, String nspace, byte[] data) {
        }

        @Override
        public void directModex(long id, String nspace, long rank) {
        }

        @Override
        public void modexData(long id, String status, byte[] data) {
        }

        @Override
        public void spawn(long id, String nspace, long rank, byte[] apps) {
        }

        @Override
        public void connect(long id, boolean connect, byte[] procs) {
        }

        @Override
        public void names(PmixNameRequest request) {
        }

        @Override
        public void lost(String why) {
        }
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run tool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(TOOL.toString(), "--host", "qhost"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aToolsQueriesReachTheMpdAndItsAnswersComeBackAsPmixResults() throws Exception {
        assumeThat(Files.isExecutable(HELPER) && Files.isExecutable(TOOL)).as("built where libpmix-dev is installed").isTrue();
        FakeMpd mpd = new FakeMpd();
        PmixHelper helper = PmixHelper.start(HELPER, "qhost", "native", mpd);
        mpd.helper = helper;
        try {
            helper.awaitReady(Duration.ofSeconds(20));
            Run run = tool("--namespaces", "--status", "9@q", "9@q");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo("""
                    namespaces sss.9@q
                    status sss.9@q SUCCESS
                    sss.9@q 0 q0 4101 PROC EXECUTING /bin/c
                    sss.9@q 1 q1 4102 PROC EXECUTING /bin/a b
                    """);
            String user = "root".equals(System.getProperty("user.name")) ? "" : System.getProperty("user.name");
            assertThat(mpd.asked).containsExactly(user + "|ns -\n", user + "|jst sss.9@q\n", user + "|ptable sss.9@q\n");
            assertThat(mpd.tools).hasSize(1).allMatch(t -> t.startsWith("ok "));

            Run unknown = tool("--local", "8@q");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.stderr()).contains("sss.8@q: NOT-FOUND");
            assertThat(mpd.asked).last().isEqualTo(user + "|lptable sss.8@q\n");
        } finally {
            helper.close();
        }
    }
}
