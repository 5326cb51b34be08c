package org.sss.mpd.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.MpdSecret;
import org.sss.mpd.internal.Link;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.MpdMessage;

/**
 * How the mpd tools reach the local mpd: its address from {@code --mpd ADDR:PORT}, else {@code $MPD_CONSOLE},
 * else the console file ({@code $MPD_CONSOLE_FILE}, else {@code $TMPDIR/sss-mpd-$USER.console}) that mpdboot
 * writes; authenticated with the ring's secret.
 */
public final class ConsoleClient implements AutoCloseable {
    private final Link link;

    private ConsoleClient(Link link) {
        this.link = link;
    }

    /** @return the default console file */
    public static Path defaultConsoleFile() {
        String explicit = System.getenv("MPD_CONSOLE_FILE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp != null && !tmp.isBlank() ? tmp : "/tmp", "sss-mpd-" + System.getProperty("user.name") + ".console");
    }

    /**
     * @param explicit the {@code --mpd} value, or null
     * @return the local mpd's address
     * @throws IOException if none is configured
     */
    public static Endpoint endpoint(String explicit) throws IOException {
        if (explicit != null) {
            return Endpoint.parse(explicit);
        }
        String env = System.getenv("MPD_CONSOLE");
        if (env != null && !env.isBlank()) {
            return Endpoint.parse(env.trim());
        }
        Path file = defaultConsoleFile();
        try {
            // In a shared directory (/tmp) another user may have made the file first, to be sent this user's
            // requests: only a regular file of this user's that no one else may write names the mpd.
            java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(file,
                    java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            boolean othersWrite = attributes.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                    || attributes.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
            if (!attributes.isRegularFile() || othersWrite
                    || !attributes.owner().getName().equals(System.getProperty("user.name"))) {
                throw new IOException(file + " is not a regular file of yours that only you can write; remove it and"
                        + " start the ring again with mpdboot");
            }
            return Endpoint.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new IOException("no mpd to talk to: start a ring with mpdboot, or set MPD_CONSOLE=ADDR:PORT ("
                    + file + " does not exist)");
        }
    }

    /**
     * @param explicit the {@code --mpd} value, or null
     * @param secret   the secret file, or null for the default
     * @return a connected client
     * @throws IOException if the mpd cannot be reached or refuses the secret
     */
    public static ConsoleClient connect(String explicit, Path secret) throws IOException {
        Endpoint endpoint = endpoint(explicit);
        try {
            return new ConsoleClient(Link.connect(endpoint, new ChallengeHandshake(Digest.HMAC_SHA256),
                    MpdSecret.load(secret != null ? secret : MpdSecret.defaultFile()), Duration.ofSeconds(10)));
        } catch (IOException e) {
            throw new IOException("cannot reach the mpd at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param request a console command
     * @return the first reply
     * @throws IOException if the mpd closed the connection or sent something unreadable
     */
    public MpdMessage call(MpdMessage request) throws IOException {
        link.send(request);
        return next();
    }

    /**
     * @return the next message from the mpd
     * @throws IOException if the connection ended
     */
    public MpdMessage next() throws IOException {
        try {
            MpdMessage reply = link.receive();
            if (reply == null) {
                throw new IOException("the mpd closed the connection");
            }
            return reply;
        } catch (MalformedMessageException e) {
            throw new IOException("unreadable answer from the mpd: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
