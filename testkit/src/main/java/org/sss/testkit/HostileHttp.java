package org.sss.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP half of the hostile input corpus: requests no browser or client library would send, written on a raw
 * socket to an HTTP port — not HTTP at all, a 100 KB request line, 10,000 headers, a 1 MB query string, bad and
 * lying Content-Lengths, a bad chunk size, non-UTF-8 bytes in the path, and a slow loris that sends a byte every
 * 0.4 s. Each gets an HTTP error status or a clean close within {@link HostileWire#CASE_DEADLINE}; the slow loris,
 * whose request is valid once complete, may get any status.
 */
public final class HostileHttp {
    private HostileHttp() {
    }

    /**
     * One raw request.
     *
     * @param name  what it is
     * @param bytes what is written
     * @param slow  whether it is dribbled, a byte every 0.4 s
     * @param valid whether the request is well formed once complete (any status is then a fair answer)
     */
    public record Case(String name, byte[] bytes, boolean slow, boolean valid) {
    }

    /**
     * @param path a path the port serves by POST (e.g. {@code /sss}); the bodies go there
     * @return every case
     */
    public static List<Case> cases(String path) {
        List<Case> cases = new ArrayList<>();
        cases.add(bad("not HTTP at all", "\u0001\u0002 hello there\r\n\r\n"));
        cases.add(bad("a 100 KB request line", "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(bad("a 1 MB query string", "GET /?" + "k=v&".repeat(262_144) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        StringBuilder headers = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 10_000; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        cases.add(bad("10,000 headers", headers.append("\r\n").toString()));
        cases.add(bad("a negative Content-Length", "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n<a/>"));
        cases.add(bad("a non-numeric Content-Length", "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"));
        cases.add(bad("two different Content-Lengths", "POST " + path
                + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 9\r\n\r\n<a/>"));
        cases.add(bad("a bad chunk size", "POST " + path
                + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n<a/>\r\n0\r\n\r\n"));
        cases.add(bad("a Content-Length larger than sent, then closed", "POST " + path
                + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<get-location/>"));
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        binary.writeBytes("GET /%ff%fe/".getBytes(StandardCharsets.US_ASCII));
        binary.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0x80});
        binary.writeBytes(" HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        cases.add(new Case("non-UTF-8 bytes in the path", binary.toByteArray(), false, false));
        cases.add(new Case("slow loris, a byte every 0.4 s", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), true, true));
        return List.copyOf(cases);
    }

    /** A check that the port still serves, run after each case and while the slow loris dribbles. */
    @FunctionalInterface
    public interface ServesCheck {
        /**
         * @throws IOException          if the port could not be reached
         * @throws InterruptedException if interrupted while waiting for it
         * @throws AssertionError       if it answered wrongly
         */
        void run() throws IOException, InterruptedException;
    }

    /**
     * Sends every case to the port; after each, and while a slow case dribbles, the port must still serve.
     *
     * @param host   the port's address
     * @param port   the port
     * @param path   a path the port serves by POST
     * @param serves the check that it still serves
     * @return the number of cases sent
     * @throws IOException          if the port cannot be reached
     * @throws InterruptedException if interrupted
     * @throws AssertionError       naming the case when an answer is not a refusal or the port stopped serving
     */
    public static int drive(String host, int port, String path, ServesCheck serves)
            throws IOException, InterruptedException {
        List<Case> cases = cases(path);
        for (Case hostile : cases) {
            String outcome;
            if (hostile.slow()) {
                java.util.concurrent.CompletableFuture<String> slow = new java.util.concurrent.CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        slow.complete(send(host, port, hostile));
                    } catch (IOException | RuntimeException e) {
                        slow.completeExceptionally(e);
                    }
                });
                serves.run();
                outcome = slow.join();
            } else {
                outcome = send(host, port, hostile);
            }
            if (!refused(outcome, hostile)) {
                throw new AssertionError("HTTP " + host + ":" + port + ", " + hostile.name() + ": answered " + outcome);
            }
            serves.run();
        }
        return cases.size();
    }

    /**
     * A crowd of clients that each send a POST's head and then trickle its body, a byte every 0.2 s (each would keep
     * a handler thread, if the server gave it one, for as long as it went on): while they trickle, the port must
     * still serve.
     *
     * @param host   the port's address
     * @param port   the port
     * @param path   a path the port serves by POST
     * @param count  how many clients (more than the server's threads)
     * @param serves the check that it still serves, which must pass within 30 s
     * @throws IOException          if the port cannot be reached
     * @throws InterruptedException if interrupted
     * @throws AssertionError       if the port did not serve while they trickled
     */
    public static void trickleCrowd(String host, int port, String path, int count, ServesCheck serves)
            throws IOException, InterruptedException {
        List<Socket> crowd = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean trickling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread feeder = null;
        try {
            // Small enough for any port's limit, and a signature of the right form and time (a port that checks the
            // header first must still read the body to check it).
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 4000\r\n"
                    + "Authorization: SSS-HMAC-SHA256 ts=" + System.currentTimeMillis() / 1000 + ",sig=" + "0".repeat(64)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(host, port), 5000);
                socket.getOutputStream().write(head);
                crowd.add(socket);
            }
            feeder = Thread.ofPlatform().daemon().name("trickle-crowd").start(() -> {
                while (trickling.get()) {
                    for (Socket socket : crowd) {
                        try {
                            socket.getOutputStream().write('x');
                        } catch (IOException cutOff) {
                            // closed by the server: fair
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                }
            });
            java.util.concurrent.CompletableFuture<Void> served = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    serves.run();
                    served.complete(null);
                } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
                    served.completeExceptionally(e);
                }
            });
            try {
                served.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("HTTP " + host + ":" + port + " did not serve within 30 s while " + count
                        + " clients trickled their bodies to " + path);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("HTTP " + host + ":" + port + " while " + count + " clients trickled: "
                        + e.getCause(), e.getCause());
            }
        } finally {
            trickling.set(false);
            if (feeder != null) {
                feeder.join(5000);
            }
            for (Socket socket : crowd) {
                socket.close();
            }
        }
    }

    private static Case bad(String name, String request) {
        return new Case(name, request.getBytes(StandardCharsets.ISO_8859_1), false, false);
    }

    /**
     * Writes the case (shutting the output after a request that lies about its length) and reads the status line.
     *
     * @param host    the port's address
     * @param port    the port
     * @param hostile the case
     * @return the status code as text (e.g. "400"), "closed", or what else came back
     * @throws IOException if the connection cannot be made
     */
    public static String send(String host, int port, Case hostile) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout((int) HostileWire.CASE_DEADLINE.toMillis());
            if (!HostileWire.write(socket, hostile.name(), hostile.bytes(), hostile.slow())) {
                return "closed";
            }
            return statusOf(socket.getInputStream());
        }
    }

    /**
     * @param outcome what {@link #send} returned
     * @param hostile the case
     * @return whether that is a fair answer: a close, an error status, or any status to a valid request
     */
    public static boolean refused(String outcome, Case hostile) {
        if (outcome.equals("closed")) {
            return true;
        }
        if (!outcome.matches("[1-5][0-9][0-9]")) {
            return false;
        }
        return hostile.valid() || Integer.parseInt(outcome) >= 400;
    }

    private static String statusOf(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int b = in.read(); b != -1 && b != '\n' && line.length() < 200; b = in.read()) {
                line.append((char) b);
            }
        } catch (SocketTimeoutException e) {
            return "no answer within " + HostileWire.CASE_DEADLINE.toSeconds() + " s";
        } catch (IOException e) {
            return "closed";
        }
        String status = line.toString().strip();
        if (status.isEmpty()) {
            return "closed";
        }
        String[] parts = status.split(" ");
        return parts.length > 1 && parts[0].startsWith("HTTP/") ? parts[1] : status;
    }
}
