package org.sss.mpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/**
 * The ring's shared secret, from a file readable only by its owner, like MPD's {@code .mpd.conf}: either the
 * secret alone on the first line, or MPD-2's {@code MPD_SECRETWORD=secret} (also {@code secretword=}). Every mpd
 * of a ring and every tool that talks to it must hold the same secret.
 */
public final class MpdSecret {
    /** The environment variable naming the secret file. */
    public static final String ENV = "MPD_CONF_FILE";

    private MpdSecret() {
    }

    /**
     * @return {@code $MPD_CONF_FILE}, else {@code ~/.mpd.conf}
     */
    public static Path defaultFile() {
        String explicit = System.getenv(ENV);
        return explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : Path.of(System.getProperty("user.home"), ".mpd.conf");
    }

    /**
     * @param file the secret file
     * @return the secret as a key
     * @throws IOException naming the file: missing, empty, or readable by others
     */
    public static SharedKey load(Path file) throws IOException {
        Principal ring = new Principal("ring", Role.COMPONENT, null);
        SharedKey raw;
        try {
            raw = SharedKey.load("ring", file, ring);
        } catch (IOException e) {
            throw new IOException(e.getMessage().replace("key file", "secret file"), e);
        }
        String line = new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.UTF_8).strip().lines()
                .findFirst().orElse("").strip();
        for (String prefix : new String[] {"MPD_SECRETWORD=", "secretword="}) {
            if (line.startsWith(prefix)) {
                String secret = line.substring(prefix.length()).strip();
                if (secret.isEmpty()) {
                    throw new IOException("secret file " + file + " has an empty " + prefix);
                }
                return new SharedKey("ring", secret.getBytes(StandardCharsets.UTF_8), ring);
            }
        }
        return raw;
    }

    /**
     * @param secret the secret
     * @return a key ring holding only it
     */
    public static KeyRing ring(SharedKey secret) {
        return new KeyRing(java.util.List.of(secret), secret.name());
    }
}
