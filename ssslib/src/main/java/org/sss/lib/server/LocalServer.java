package org.sss.lib.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.WireSettings;
import org.sss.lib.wire.ChannelTimeouts;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.Principal;

/**
 * The local wire's server: serves the framed request/reply protocol of {@link SssServer} on a Unix-domain socket,
 * without the challenge handshake. The caller's identity comes from the kernel: on accept the peer credentials
 * ({@code SO_PEERCRED}) are read and mapped to a {@link Principal} by the component's {@link LocalPrincipals};
 * the handler sees that principal and the peer {@code local:USER} in its {@link RequestContext}. The wire itself
 * is described in {@link org.sss.lib.client.LocalConnection}.
 *
 * <p>The socket file: its parent directory is created if missing; a stale socket file (nobody listening) is
 * replaced; if a server is listening there, {@link #start} fails with "another server is listening on PATH". The
 * file is made {@code rw-rw-rw-} (anyone may connect; the kernel tells who) and removed on {@link #close()}.
 *
 * <p>As on the challenge wire: each connection runs on its own virtual thread; a malformed frame gets an
 * {@code <error>} reply, then the connection closes; idle connections close after the idle timeout, a message
 * not complete within the frame timeout closes its connection, and so does a reply the peer does not read within
 * the frame timeout; connections beyond the maximum are closed on accept, and so are callers the mapping refuses.
 * {@link #close()} stops accepting, closes idle connections and lets requests in progress finish (up to 5 s).
 */
public final class LocalServer extends WireServer<LocalServer.UnixConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServer.class);
    private final LocalServerSettings settings;
    private final LocalPrincipals principals;
    private final SocketFile socketFile;

    private LocalServer(LocalServerSettings settings, LocalPrincipals principals, MessageHandler handler,
                        SocketFile socketFile) {
        super(LOG, settings.component(), "sss-local-", settings.wire(), handler);
        this.settings = settings;
        this.principals = principals;
        this.socketFile = socketFile;
    }

    /**
     * Binds the socket and starts serving.
     *
     * @param settings   where and how
     * @param principals who each caller is, from its peer credentials
     * @param handler    what to do with each message
     * @return the running server
     * @throws IOException if another server is listening on the path, or it cannot be bound (the message names it)
     */
    public static LocalServer start(LocalServerSettings settings, LocalPrincipals principals, MessageHandler handler)
            throws IOException {
        SocketFile socketFile = SocketFile.bind(settings.component(), settings.socket());
        LocalServer server = new LocalServer(settings, principals, handler, socketFile);
        server.startAccepting();
        LOG.info("{}: listening on {}", settings.component(), settings.socket());
        return server;
    }

    /** @return the socket's path */
    public Path socket() {
        return socketFile.path();
    }

    @Override
    void stopListening() {
        socketFile.close();
    }

    @Override
    String listeningOn() {
        return socket().toString();
    }

    /** The next connection with its caller's credentials, or null if they cannot be read (refused). */
    @Override
    UnixConnection accept() throws IOException {
        SocketChannel channel = socketFile.channel().accept();
        UnixDomainPrincipal credentials;
        try {
            credentials = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("{}: refused a local connection: cannot read its peer credentials: {}", settings.component(),
                    e.getMessage());
            closeQuietly(channel);
            return null;
        }
        return new UnixConnection(channel, credentials, "local:" + LocalPrincipals.userName(credentials));
    }

    /** One local connection: map the caller, then request/reply pairs until either side stops. */
    @Override
    void serve(UnixConnection connection, Session session) {
        WireSettings wire = settings.wire();
        SocketChannel channel = connection.channel();
        ChannelTimeouts timeouts = ChannelTimeouts.watch(channel, wire.idleTimeout(), wire.frameTimeout());
        try {
            Principal principal = principal(connection);
            if (principal != null) {
                LOG.debug("{}: {} connected as {}", settings.component(), connection.peer(), principal);
                InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8192);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 8192);
                session.serve(new FrameReader(in, wire.maxMessageBytes(), timeouts), out,
                        new RequestContext(settings.component(), principal, connection.peer()), pacing(timeouts));
            }
        } catch (IOException e) {
            logEnd(connection.peer(), e, timeouts.expired());
        } finally {
            timeouts.close();
        }
    }

    private Principal principal(UnixConnection connection) {
        Principal principal;
        try {
            principal = principals.principalOf(connection.credentials());
        } catch (RuntimeException e) {
            LOG.error("{}: refused connection from {}: mapping its credentials failed: {}", settings.component(),
                    connection.peer(), e.toString(), e);
            return null;
        }
        if (principal == null) {
            LOG.warn("{}: refused connection from {}: not allowed", settings.component(), connection.peer());
        }
        return principal;
    }

    private RequestLoop.Pacing pacing(ChannelTimeouts timeouts) {
        Duration frame = settings.wire().frameTimeout();
        String unread = "reply not read within "
                + (frame.toMillis() % 1000 == 0 ? frame.toSeconds() + " s" : frame.toMillis() + " ms");
        return new RequestLoop.Pacing() {
            @Override
            public void handling() {
                timeouts.disarm();
            }

            @Override
            public void replying() throws IOException {
                timeouts.arm(frame, unread);
            }
        };
    }

    private void logEnd(String peer, IOException e, String expired) {
        if (expired != null) {
            LOG.info("{}: closed connection from {}: {}", settings.component(), peer, expired);
        } else if (e instanceof SocketTimeoutException) {
            LOG.info("{}: closed connection from {}: {}", settings.component(), peer, e.getMessage());
        } else if (e instanceof EOFException || e instanceof ClosedChannelException) {
            LOG.debug("{}: connection from {} ended: {}", settings.component(), peer, e.toString());
        } else {
            LOG.info("{}: connection from {} failed: {}", settings.component(), peer, e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.trace("close failed: {}", e.toString());
        }
    }

    /** An accepted local connection, its caller's credentials and its peer name ({@code local:USER}). */
    record UnixConnection(SocketChannel channel, UnixDomainPrincipal credentials, String peer)
            implements WireServer.Accepted {
        @Override
        public void close() {
            closeQuietly(channel);
        }
    }
}
