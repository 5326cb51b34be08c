package org.sss.lib.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.sss.lib.wire.Digest;

/**
 * A client written from the protocol description alone, byte by byte, the way Gold's Perl client does it: read
 * the challenge line, answer the hex digest and a newline, read one status byte, then write
 * {@code length space payload} and read the reply the same way. Used to check the server against an independent
 * implementation and to send what a well-behaved client never would.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** @return the challenge line without its newline, or null if the server closed first */
    String readChallenge() throws IOException {
        StringBuilder challenge = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            challenge.append((char) b);
        }
        return challenge.toString();
    }

    /** @return the status byte the server answered ('1' accepted, '0' refused, -1 closed) */
    int authenticate(Digest digest, String secret) throws IOException {
        String challenge = readChallenge();
        if (challenge == null) {
            return -1;
        }
        out.write((digest.answer(challenge, secret.getBytes(StandardCharsets.UTF_8)) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.read();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendRaw(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(String xml) throws IOException {
        byte[] payload = xml.getBytes(StandardCharsets.UTF_8);
        sendRaw((payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        sendRaw(payload);
    }

    /** @return the next reply's payload, or null if the server closed the connection */
    String reply() throws IOException {
        StringBuilder size = new StringBuilder();
        for (int b = in.read(); b != ' '; b = in.read()) {
            if (b < 0) {
                return null;
            }
            size.append((char) b);
        }
        int length = Integer.parseInt(size.toString());
        byte[] payload = in.readNBytes(length);
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** @return true if the server has closed its side (reads end of stream within the socket timeout) */
    boolean closedByServer() throws IOException {
        try {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                rest.write(b);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    String call(String xml) throws IOException {
        send(xml);
        return reply();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
