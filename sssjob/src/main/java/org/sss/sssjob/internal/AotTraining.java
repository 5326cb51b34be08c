package org.sss.sssjob.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.sss.sssjob.SssjobMain;

/**
 * The training run behind the command line's ahead-of-time class cache (JDK 25, {@code -XX:AOTCacheOutput}): at
 * build time there is no queue manager to talk to, so this serves made-up replies on a private socket and runs the
 * everyday commands against it — submit, status, qstat, qstat -f, wait, sbatch, squeue — so that the classes they load (StAX, the
 * Unix-domain socket, java.time, the formatter) are in the cache. Its output is thrown away; it is never used at
 * run time.
 */
public final class AotTraining {
    private static final int TRAINING_JOBS = 20;

    private AotTraining() {
    }

    /**
     * @param args one argument: a directory to put the socket in
     * @throws IOException if the socket cannot be served
     */
    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]).resolve("training.sock");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread serving = Thread.ofPlatform().daemon().start(() -> serve(server));
            Path script = Path.of(args[0]).resolve("training.sh");
            Files.writeString(script, "#!/bin/sh\n#PBS -N training\ntrue\n");
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            Map<String, String> environment = Map.of("SSS_QM_SOCKET", socket.toString(), "HOME", "/");
            for (String program : List.of("sssjob", "qstat", "qsub", "sbatch", "squeue")) {
                Invocation invocation = new Invocation(program, environment, Path.of(args[0]),
                        new ByteArrayInputStream(new byte[0]), sink, sink);
                for (List<String> command : commands(program, script)) {
                    SssjobMain.run(invocation, command);
                }
            }
            serving.interrupt();
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private static List<List<String>> commands(String program, Path script) {
        return switch (program) {
            case "sssjob" -> List.of(List.of("submit", script.toString()), List.of("status", "-a"), List.of("status"),
                    List.of("wait", "--quiet", "2"), List.of("status", "--xml"), List.of("cancel", "1"));
            case "qstat" -> List.of(List.of(), List.of("-f", "1"), List.of("-a"));
            case "squeue" -> List.of(List.of(), List.of("-t", "all", "-o", "%i %T %V"));
            default -> List.of(List.of(script.toString()));
        };
    }

    private static void serve(ServerSocketChannel server) {
        while (true) {
            try (SocketChannel channel = server.accept()) {
                InputStream in = Channels.newInputStream(channel);
                OutputStream out = Channels.newOutputStream(channel);
                for (String request = readFrame(in); request != null; request = readFrame(in)) {
                    byte[] reply = reply(request).getBytes(StandardCharsets.UTF_8);
                    out.write((reply.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(reply);
                    out.flush();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String readFrame(InputStream in) throws IOException {
        int length = 0;
        for (int b = in.read(); b != ' '; b = in.read()) {
            if (b < 0) {
                return null;
            }
            length = length * 10 + (b - '0');
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Every made-up job, or the one a request names ({@code <job id="2"/>}: wait must see it end). */
    private static String reply(String request) {
        Instant now = Instant.now();
        int named = request.indexOf("<job id=\"");
        int only = 0;
        if (named >= 0 && Character.isDigit(request.charAt(named + "<job id=\"".length()))) {
            int start = named + "<job id=\"".length();
            only = Integer.parseInt(request.substring(start, request.indexOf('"', start)));
        }
        StringBuilder jobs = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><jobs>");
        for (int i = 1; i <= TRAINING_JOBS; i++) {
            if (only != 0 && i != only) {
                continue;
            }
            jobs.append("<job id=\"").append(i).append("\" name=\"training\" user=\"nobody\" queue=\"batch\" state=\"")
                    .append(i % 2 == 0 ? "completed" : "queued").append("\" nodes=\"1\" ppn=\"1\" walltime=\"60\"")
                    .append(" priority=\"0\" workdir=\"/\" submit-host=\"localhost\" script-name=\"training.sh\"")
                    .append(" output-path=\"/dev/null\" error-path=\"/dev/null\" join=\"n\" submitted=\"")
                    .append(now).append("\" started=\"").append(now).append("\"")
                    .append(" ended=\"").append(now).append("\" exit-status=\"0\"")
                    .append(" allocated=\"node1\" pgid=\"job-").append(i).append("-1\" runs=\"0\"/>");
        }
        return jobs.append("</jobs>").toString();
    }
}
