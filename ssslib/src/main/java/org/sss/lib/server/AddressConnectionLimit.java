package org.sss.lib.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections one client address holds open at a port: one more is closed as soon as it opens. The port's
 * own limit bounds them all together (they may each hold a body being read); without this, one host opening
 * connections and trickling their bodies (a slow loris) could take all of them, and no one else would be served.
 * Each address's first refusal since it was last below its limit is logged. Thread-safe.
 */
final class AddressConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AddressConnectionLimit.class);
    private final String name;
    private final int perAddress;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    /** Each open connection's address, as it was when it opened (a closed socket no longer says it). */
    private final Map<Connection, InetAddress> addresses = new IdentityHashMap<>();
    private final Map<InetAddress, Boolean> refusing = new HashMap<>();

    /**
     * @param name       the server's name, for the log
     * @param perAddress the most connections one address may hold open
     */
    AddressConnectionLimit(String name, int perAddress) {
        this.name = name;
        this.perAddress = perAddress;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection);
        if (address == null) {
            return;
        }
        boolean over;
        boolean firstRefusal = false;
        synchronized (this) {
            addresses.put(connection, address);
            int count = open.merge(address, 1, Integer::sum);
            over = count > perAddress;
            if (over) {
                firstRefusal = refusing.put(address, Boolean.TRUE) == null;
            }
        }
        if (over) {
            if (firstRefusal) {
                LOG.warn("{}: {} holds {} connections open, the most one address may: further ones are closed at once",
                        name, address.getHostAddress(), perAddress);
            }
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        synchronized (this) {
            InetAddress address = addresses.remove(connection);
            if (address == null) {
                return;
            }
            int count = open.merge(address, -1, Integer::sum);
            if (count <= 0) {
                open.remove(address);
            }
            if (count < perAddress) {
                refusing.remove(address);
            }
        }
    }

    /** @return how many connections the address holds open */
    synchronized int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    private static InetAddress addressOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
