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
 * everyday commands against it — submit, status, qstat, qstat -f, wait — so that the classes they load (StAX, the
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
            for (String program : List.of("sssjob", "qstat", "qsub")) {
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
            case "sssjob" -> List.of(List.of("submit", script.toString()), List.of("status", "-a"),
                    List.of("wait", "--quiet", "1"), List.of("status", "--xml"), List.of("cancel", "1"));
            case "qstat" -> List.of(List.of(), List.of("-f", "1"), List.of("-a"));
            default -> List.of(List.of(script.toString()));
        };
    }

    private static void serve(ServerSocketChannel server) {
        while (true) {
            try (SocketChannel channel = server.accept()) {
                InputStream in = Channels.newInputStream(channel);
                OutputStream out = Channels.newOutputStream(channel);
                while (skipFrame(in)) {
                    byte[] reply = reply().getBytes(StandardCharsets.UTF_8);
                    out.write((reply.length + " ").getBytes(StandardCharsets.US_ASCII));
                    out.write(reply);
                    out.flush();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean skipFrame(InputStream in) throws IOException {
        long length = 0;
        for (int b = in.read(); b != ' '; b = in.read()) {
            if (b < 0) {
                return false;
            }
            length = length * 10 + (b - '0');
        }
        in.skipNBytes(length);
        return true;
    }

    private static String reply() {
        Instant now = Instant.now();
        StringBuilder jobs = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><jobs>");
        for (int i = 1; i <= TRAINING_JOBS; i++) {
            jobs.append("<job id=\"").append(i).append("\" name=\"training\" user=\"nobody\" queue=\"batch\" state=\"")
                    .append("completed").append("\" nodes=\"1\" ppn=\"1\" walltime=\"60\"")
                    .append(" priority=\"0\" workdir=\"/\" submit-host=\"localhost\" script-name=\"training.sh\"")
                    .append(" output-path=\"/dev/null\" error-path=\"/dev/null\" join=\"n\" submitted=\"")
                    .append(now).append("\" started=\"").append(now).append("\"")
                    .append(" ended=\"").append(now).append("\" exit-status=\"0\"")
                    .append(" allocated=\"node1\" pgid=\"job-").append(i).append("-1\" runs=\"0\"/>");
        }
        return jobs.append("</jobs>").toString();
    }
}
