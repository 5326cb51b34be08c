package org.sss.mpd.internal.pmi;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;

/**
 * Who made the other end of a TCP connection from this host: the kernel's socket tables ({@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}) have a row per socket with its two endpoints, its state and the user id of the process
 * that made it, as {@code identd} reads them. A connection accepted from this host has two rows: the server's own
 * (local = the server's endpoint) and the client's (local = the client's endpoint, remote = the server's); the
 * client's row is the one read. Only an established connection counts: a closed one's row (TIME_WAIT) says uid 0.
 * The tables are those of the reader's network namespace, which is the mpd's and its ranks'. Stateless.
 */
public final class TcpPeerOwner {
    private static final String ESTABLISHED = "01";
    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");
    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private TcpPeerOwner() {
    }

    /**
     * @param accepted a connection this process accepted
     * @return the user id of the process that made the connection's other end, or empty when it is not on this
     *         host, is no longer connected, or the tables cannot be read
     */
    public static OptionalInt of(Socket accepted) {
        InetAddress client = accepted.getInetAddress();
        InetAddress server = accepted.getLocalAddress();
        if (client == null || server == null) {
            return OptionalInt.empty();
        }
        int clientPort = accepted.getPort();
        int serverPort = accepted.getLocalPort();
        if (client instanceof Inet4Address && server instanceof Inet4Address) {
            // An IPv4 client's socket is in the IPv4 table, or, made as an IPv6 socket (as Java makes them), in the
            // IPv6 table under the address's mapped form.
            OptionalInt found = find(rows(TCP), endpoint(client.getAddress(), clientPort), endpoint(server.getAddress(), serverPort));
            if (found.isPresent()) {
                return found;
            }
            return find(rows(TCP6), endpoint(mapped(client.getAddress()), clientPort),
                    endpoint(mapped(server.getAddress()), serverPort));
        }
        return find(rows(TCP6), endpoint(client.getAddress(), clientPort), endpoint(server.getAddress(), serverPort));
    }

    /**
     * @param rows   a socket table's lines, its heading first
     * @param local  the endpoint sought as a row's local one, as the table writes it
     * @param remote the endpoint sought as its remote one
     * @return the uid of the one established row with these endpoints, or empty if there is none (or, which the
     *         kernel never writes, several that disagree)
     */
    static OptionalInt find(List<String> rows, String local, String remote) {
        OptionalInt found = OptionalInt.empty();
        for (String row : rows) {
            String[] fields = row.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            if (fields.length < 8 || !fields[1].equalsIgnoreCase(local) || !fields[2].equalsIgnoreCase(remote)
                    || !fields[3].equals(ESTABLISHED)) {
                continue;
            }
            int uid;
            try {
                uid = Integer.parseInt(fields[7]);
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
            if (found.isPresent() && found.getAsInt() != uid) {
                return OptionalInt.empty();
            }
            found = OptionalInt.of(uid);
        }
        return found;
    }

    /**
     * @param address an address's bytes (4 or 16)
     * @param port    a port
     * @return the endpoint as the kernel's table writes it: each 32-bit word of the address in the machine's byte
     *         order, in hex, then the port
     */
    static String endpoint(byte[] address, int port) {
        ByteBuffer words = ByteBuffer.wrap(address).order(ByteOrder.nativeOrder());
        StringBuilder text = new StringBuilder(address.length * 2 + 5);
        while (words.hasRemaining()) {
            text.append(HexFormat.of().withUpperCase().toHexDigits(words.getInt()));
        }
        return text.append(':').append(HexFormat.of().withUpperCase().toHexDigits((short) port)).toString();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        System.arraycopy(V4_MAPPED_PREFIX, 0, v6, 0, V4_MAPPED_PREFIX.length);
        System.arraycopy(v4, 0, v6, V4_MAPPED_PREFIX.length, 4);
        return v6;
    }

    private static List<String> rows(Path table) {
        try {
            return Files.readAllLines(table);
        } catch (IOException e) {
            return List.of();
        }
    }
}
