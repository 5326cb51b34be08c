import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for a ring of JVMs on this machine: one member of a ring of N processes passing an 8-byte token round
 * LOOPS times over blocking channels, each hop one read and one write. Run N of them (bench/mpd.sh does): member 0
 * starts the token and prints hops/s. Mode {@code tcp} uses 127.0.0.(i+2):PORT, {@code unix} uses DIR/ring-i.
 *
 * <p>Usage: {@code java JavaRing.java INDEX N LOOPS tcp|unix PORT|DIR}
 */
public final class JavaRing {
    private JavaRing() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int index = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        long loops = Long.parseLong(args[2]);
        boolean unix = args[3].equals("unix");
        String where = args[4];
        if (unix) {
            Files.deleteIfExists(Path.of(where, "ring-" + index));
        }
        ServerSocketChannel server = ServerSocketChannel.open(unix ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        server.bind(address(unix, where, index));
        SocketChannel right = connect(address(unix, where, (index + 1) % size), unix);
        SocketChannel left = server.accept();
        ByteBuffer token = ByteBuffer.allocateDirect(8);
        long start = System.nanoTime();
        if (index == 0) {
            send(right, token, loops);
        }
        while (true) {
            long remaining = receive(left, token);
            if (remaining < 0) {
                if (index != 0) {
                    send(right, token, -1);
                }
                return;
            }
            if (index == 0 && --remaining == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("Java %s ring of %d: %d loops = %.6f seconds; %d hops = %.0f hops/s%n",
                        unix ? "unix-socket" : "tcp", size, loops, seconds, loops * size, loops * size / seconds);
                send(right, token, -1);
                continue;
            }
            send(right, token, remaining);
        }
    }

    private static SocketAddress address(boolean unix, String where, int index) {
        return unix ? UnixDomainSocketAddress.of(Path.of(where, "ring-" + index))
                : new InetSocketAddress("127.0.0." + (index + 2), Integer.parseInt(where));
    }

    private static SocketChannel connect(SocketAddress address, boolean unix) throws InterruptedException, IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                SocketChannel channel = SocketChannel.open(address);
                if (!unix) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                return channel;
            } catch (IOException e) {
                if (attempt == 3000) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    private static void send(SocketChannel channel, ByteBuffer token, long value) throws IOException {
        token.clear();
        token.putLong(value).flip();
        while (token.hasRemaining()) {
            channel.write(token);
        }
    }

    private static long receive(SocketChannel channel, ByteBuffer token) throws IOException {
        token.clear();
        while (token.hasRemaining()) {
            if (channel.read(token) < 0) {
                return -1;
            }
        }
        return token.flip().getLong();
    }
}
