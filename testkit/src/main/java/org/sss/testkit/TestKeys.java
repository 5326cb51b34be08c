package org.sss.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Key files for tests: {@code suite} (role component), {@code admin} (role admin), and users {@code alice} and
 * {@code bob}, each a random secret in a file of mode 0600 under {@code DIR/keys}.
 */
public final class TestKeys {
    /** The component key's name. */
    public static final String SUITE = "suite";
    /** The administrator key's name. */
    public static final String ADMIN = "admin";
    /** A user key's name (acts for user alice). */
    public static final String ALICE = "alice";
    /** Another user key's name (acts for user bob). */
    public static final String BOB = "bob";

    private TestKeys() {
    }

    /**
     * Writes the four key files (if missing).
     *
     * @param dir the test's directory
     * @return the directory holding them
     */
    public static Path writeAll(Path dir) {
        Path keys = dir.resolve("keys");
        try {
            Files.createDirectories(keys);
            for (String name : new String[] {SUITE, ADMIN, ALICE, BOB}) {
                Path file = keys.resolve(name + ".key");
                if (Files.notExists(file)) {
                    org.sss.lib.wire.SharedKey.generate(file);
                }
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a key file with a given secret and mode (to test refusals).
     *
     * @param file   where
     * @param secret the secret
     * @param mode   e.g. {@code rw-r--r--}
     * @return the file
     */
    public static Path write(Path file, String secret, String mode) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, secret + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
