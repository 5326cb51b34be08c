package org.sss.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;

/**
 * Drives {@link HostileCorpus} cases at a challenge-wire port the way a hostile client would: a real handshake
 * (answered by the caller, so it works for suite keys and an mpd ring's secret), then the case's bytes, then one
 * reply read within {@link #CASE_DEADLINE}. Outcomes are strings so a test's failure message shows what came back:
 * {@code "error"} (an {@code <error>} reply), {@code "closed"} (the server closed), or anything else it answered.
 */
public final class HostileWire {
    /** How long a case may take before it counts as a hang. */
    public static final Duration CASE_DEADLINE = Duration.ofSeconds(15);

    private HostileWire() {
    }

    /**
     * @param key a suite key
     * @return an answerer of the challenge with that key (HMAC-SHA256, the suite's default digest)
     */
    public static UnaryOperator<String> answering(byte[] key) {
        return challenge -> Digest.HMAC_SHA256.answer(challenge, key);
    }

    /**
     * Connects, passes the handshake, writes the case (dribbled when it is slow) and reads one reply.
     *
     * @param endpoint the port
     * @param answerer answers the server's challenge
     * @param hostile  the case
     * @return "error", "closed" or the reply
     * @throws IOException if the connection or the handshake fails
     */
    public static String send(Endpoint endpoint, UnaryOperator<String> answerer, HostileCorpus.Case hostile)
            throws IOException {
        try (Socket socket = connect(endpoint)) {
            handshake(socket, answerer);
            if (!write(socket, hostile.name(), hostile.bytes(), hostile.slow())) {
                return "closed";
            }
            return outcome(readReply(socket));
        }
    }

    /**
     * Writes a case's bytes, a byte every 0.4 s when it is slow; shuts the output after a case whose name says it
     * is "then closed" (a length that promised more).
     *
     * @param socket the connection
     * @param name   the case's name
     * @param bytes  what to write
     * @param slow   whether to dribble
     * @return false if the server closed the connection while it was written
     * @throws IOException if interrupted while dribbling
     */
    static boolean write(Socket socket, String name, byte[] bytes, boolean slow) throws IOException {
        OutputStream out = socket.getOutputStream();
        try {
            if (slow) {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(400);
                }
            } else {
                out.write(bytes);
                out.flush();
            }
            if (name.contains("then closed")) {
                socket.shutdownOutput();
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing " + name, e);
        }
    }

    /**
     * Answers the challenge with garbage and sends a request anyway.
     *
     * @param endpoint the port
     * @return "closed" when the server refused, else what it answered
     * @throws IOException if the connection fails
     */
    public static String sendAsHandshake(Endpoint endpoint) throws IOException {
        try (Socket socket = connect(endpoint)) {
            readLine(socket.getInputStream());
            socket.getOutputStream().write("not-a-digest\n12 <get-events/>".getBytes(StandardCharsets.US_ASCII));
            String reply = readReply(socket);
            return reply.isEmpty() || reply.equals("0") ? "closed" : reply;
        }
    }

    /**
     * A normal request after a good handshake.
     *
     * @param endpoint the port
     * @param answerer answers the server's challenge
     * @param request  the request document
     * @return the reply document
     * @throws IOException if the connection or the handshake fails
     */
    public static String request(Endpoint endpoint, UnaryOperator<String> answerer, String request) throws IOException {
        try (Socket socket = connect(endpoint)) {
            handshake(socket, answerer);
            socket.getOutputStream().write(HostileCorpus.framed(request.getBytes(StandardCharsets.UTF_8)));
            String reply = readReply(socket);
            return reply.substring(reply.indexOf(' ') + 1);
        }
    }

    private static Socket connect(Endpoint endpoint) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5000);
        socket.setSoTimeout((int) CASE_DEADLINE.toMillis());
        return socket;
    }

    private static void handshake(Socket socket, UnaryOperator<String> answerer) throws IOException {
        String challenge = readLine(socket.getInputStream());
        socket.getOutputStream().write((answerer.apply(challenge) + "\n").getBytes(StandardCharsets.US_ASCII));
        int accepted = socket.getInputStream().read();
        if (accepted != '1') {
            throw new IOException("the handshake with " + socket.getRemoteSocketAddress() + " was refused (" + accepted + ")");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    /** Reads one reply frame, or what came before the server closed (empty: closed at once). */
    private static String readReply(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder count = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) != -1 && b != ' ') {
                count.append((char) b);
                if (count.length() > 12) {
                    return count.toString();
                }
            }
            if (b == -1) {
                return count.toString();
            }
            byte[] payload = in.readNBytes(Integer.parseInt(count.toString()));
            return count + " " + new String(payload, StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return "no answer within " + CASE_DEADLINE.toSeconds() + " s";
        } catch (IOException e) {
            return "";
        }
    }

    private static String outcome(String reply) {
        if (reply.isEmpty()) {
            return "closed";
        }
        return reply.contains("<error") ? "error" : reply;
    }
}
