package org.sss.lib.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A named shared secret and the principal it authenticates.
 *
 * <p>Keys are read from files that only their owner may read or write (mode 0600 or 0400): a file with any
 * group or other permission is refused, as MPD refused a world-readable {@code .mpd.conf}. One exception, as
 * PostgreSQL makes for its server key: a file owned by root may also be readable by its group (mode 0640 or 0440),
 * so that an administrator can give one key to the few daemons that need it (the ring's secret to the process
 * manager, the node state manager and the dashboard, through a group only their units carry) and to no other
 * process of the same account. The file holds the secret on its first line; surrounding whitespace is ignored.
 */
public final class SharedKey {
    private static final int MAX_KEY_FILE_BYTES = 4096;
    /** The first uid of ordinary users' accounts (Debian's and most distributions' UID_MIN); below it, system accounts. */
    static final int FIRST_USER_UID = 1000;
    private static final Set<PosixFilePermission> FORBIDDEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** What a root-owned key file may not have: group read is its group's, nothing else is anyone's. */
    private static final Set<PosixFilePermission> FORBIDDEN_ROOT_OWNED = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final String name;
    private final byte[] secret;
    private final Principal principal;

    /**
     * @param name      the key's name in the configuration
     * @param secret    the secret bytes (copied)
     * @param principal who presents this key
     */
    public SharedKey(String name, byte[] secret, Principal principal) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("key " + name + " is empty");
        }
        this.name = name;
        this.secret = secret.clone();
        this.principal = principal;
    }

    /**
     * Reads a key file, refusing one that others could read.
     *
     * @param name      the key's name
     * @param file      the file
     * @param principal who presents this key
     * @return the key
     * @throws IOException with a one-line reason naming the file: missing, not a regular file, group- or
     *                     world-accessible (group-readable is allowed when root owns it), a component's or an
     *                     administrator's key owned by an ordinary user's account other than this process's,
     *                     unreadable, empty or too large
     */
    public static SharedKey load(String name, Path file, Principal principal) throws IOException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.notExists(file)) {
                    throw new NoSuchFileException(file.toString(), null, "key file does not exist");
                }
                throw new IOException("key file " + file + " is not a regular file");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> wrong = EnumSet.noneOf(PosixFilePermission.class);
            wrong.addAll(permissions);
            String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            boolean rootOwned = "root".equals(owner);
            wrong.retainAll(rootOwned ? FORBIDDEN_ROOT_OWNED : FORBIDDEN);
            if (!wrong.isEmpty()) {
                throw new IOException("key file " + file + " has mode " + octal(permissions)
                        + "; it must be readable by its owner only (chmod 600 " + file + ")"
                        + (rootOwned ? ", or, as root owns it, by its group too (chmod 640 " + file + ")" : ""));
            }
            String self = System.getProperty("user.name", "");
            int ownerUid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (principal.isPrivileged() && !rootOwned && !owner.equals(self) && ownerUid >= FIRST_USER_UID) {
                // Its owner could read it, or replace it: a component's or an administrator's key held by a user
                // makes that user one. Root, a system account (the suite's own, sss) or this process's user may own it.
                throw new IOException("key file " + file + " (" + (principal.role() == Role.ADMIN
                        ? "an administrator's key" : "a component's key") + ") is owned by " + owner + ", a user's account"
                        + " (uid " + ownerUid + "); it must be owned by root, a system account such as sss, or " + self
                        + " (chown " + self + " " + file + ")");
            }
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw new IOException("key file " + file + " is larger than " + MAX_KEY_FILE_BYTES + " bytes");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            String line = (newline >= 0 ? text.substring(0, newline) : text).strip();
            if (line.isEmpty()) {
                throw new IOException("key file " + file + " is empty");
            }
            return new SharedKey(name, line.getBytes(StandardCharsets.UTF_8), principal);
        } catch (NoSuchFileException e) {
            throw new IOException("key file " + file + " does not exist", e);
        } catch (UnsupportedOperationException e) {
            throw new IOException("key file " + file + " is on a file system without POSIX permissions", e);
        }
    }

    /**
     * Writes a new random key file with mode 0600, creating parent directories (mode 0700).
     *
     * @param file where to write; must not exist
     * @throws IOException if the file exists or cannot be written
     */
    public static void generate(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String text = java.util.HexFormat.of().formatHex(random) + "\n";
        Files.writeString(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), text);
    }

    private static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }

    /** @return the key's name */
    public String name() {
        return name;
    }

    /** @return who presents this key */
    public Principal principal() {
        return principal;
    }

    /**
     * @param digest    the digest in use
     * @param challenge the challenge text
     * @return this key's answer to the challenge
     */
    public String answer(Digest digest, String challenge) {
        return digest.answer(challenge, secret);
    }

    @Override
    public String toString() {
        return "SharedKey[" + name + ", " + principal + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SharedKey key && key.name.equals(name) && Arrays.equals(key.secret, secret);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
