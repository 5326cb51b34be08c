package org.sss.lib.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A local-wire client written from the protocol description alone, with the JDK only, as the sssjob CLI speaks
 * it: connect, write {@code length space payload}, read the reply the same way. No read timeouts (channels have
 * none): the tests using it bound their time with {@code @Timeout}.
 */
final class LocalRawClient implements AutoCloseable {
    final SocketChannel channel;
    final InputStream in;
    final OutputStream out;

    LocalRawClient(Path socket) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        in = new BufferedInputStream(Channels.newInputStream(channel));
        out = Channels.newOutputStream(channel);
    }

    void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(String xml) throws IOException {
        byte[] payload = xml.getBytes(StandardCharsets.UTF_8);
        out.write((payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
    }

    /** @return the next reply's payload, or null if the server closed the connection */
    String reply() throws IOException {
        long length = 0;
        for (int b = in.read(); b != ' '; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b < '0' || b > '9') {
                throw new IOException("bad reply frame: byte " + b);
            }
            length = length * 10 + (b - '0');
        }
        return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
    }

    String call(String xml) throws IOException {
        send(xml);
        return reply();
    }

    /** @return true once the server has closed its side: reads reach end of stream (or fail) */
    boolean closedByServer() {
        try {
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
