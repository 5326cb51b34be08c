package org.sss.lib.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening Unix-domain socket and its file: binding creates the parent directory if missing, replaces a
 * stale socket file (one nobody listens on) and refuses if a server is listening; the file is then made
 * {@code rw-rw-rw-} (anyone may connect, the kernel tells who). Closing removes the file, unless another
 * server has bound a new one there meanwhile.
 */
final class SocketFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketFile.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int BACKLOG = 1024;
    private final Path path;
    private final ServerSocketChannel channel;
    private final Object fileKey;

    private SocketFile(Path path, ServerSocketChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /**
     * @param component the component's name, for logs
     * @param path      where the socket goes
     * @return the bound socket
     * @throws IOException if a server is listening there, the path is not a socket, or binding fails (the
     *                     message names the path)
     */
    static SocketFile bind(String component, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        removeIfStale(component, path);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), BACKLOG);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return new SocketFile(path, channel, fileKey(path));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
    }

    private static void removeIfStale(String component, Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("cannot listen on " + path + ": it exists and is not a socket");
        }
        if (listening(path)) {
            throw new IOException("another server is listening on " + path);
        }
        Files.deleteIfExists(path);
        LOG.info("{}: removed stale socket file {}", component, path);
    }

    private static boolean listening(Path path) throws IOException {
        try (SocketChannel _ = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (ConnectException nobody) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot tell whether a server listens on " + path + ": " + e.getMessage(), e);
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** @return the listening channel */
    ServerSocketChannel channel() {
        return channel;
    }

    /** @return the socket's path */
    Path path() {
        return path;
    }

    /** Stops listening and removes the socket file if it is still this one. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.trace("close failed: {}", e.toString());
        }
        try {
            if (Objects.equals(fileKey(path), fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException gone) {
            LOG.trace("socket file {} already gone: {}", path, gone.toString());
        }
    }
}
