package org.sss.queuemanager.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The queue manager's spool: one directory per started job holding its script (as submitted; the file the user
 * submitted may have changed since) and its node file (one line per slot, PBS_NODEFILE). The files belong to the
 * job's user and nobody else may read them; their directory stays the queue manager's (mode 0711: the user reaches
 * the files by name, nobody lists them), so that the queue manager removes them without being able to read other
 * users' files. Giving the files away needs root or, as a cluster runs it (the user {@code sss}), the capability
 * CAP_CHOWN alone (its unit's {@code AmbientCapabilities}); a job of the queue manager's own account needs neither.
 * On a cluster the spool must be visible at the same path on the compute nodes (a shared file system), as Torque's
 * spool is for its moms.
 */
public final class JobSpool {
    private final Path root;
    private final String ownAccount;

    /**
     * A job's files.
     *
     * @param directory its spool directory
     * @param script    the script (executable by its user)
     * @param nodefile  the node file
     */
    public record JobFiles(Path directory, Path script, Path nodefile) {
    }

    /** Why a job's files could not be written (a user that does not exist, a full disk). */
    public static final class SpoolException extends Exception {
        SpoolException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param root the spool directory (created if missing; mode 0711: users reach their own job's directory, list
     *             nothing; its parents must be searchable by the users too)
     * @throws IOException if it cannot be created
     */
    public JobSpool(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        this.ownAccount = System.getProperty("user.name", "");
    }

    /**
     * Writes a job's script and node file.
     *
     * @param job the job, started (its nodes allocated)
     * @return its files
     * @throws SpoolException if they cannot be written or given to the job's user
     */
    public JobFiles prepare(Job job) throws SpoolException {
        Path directory = directoryOf(job);
        try {
            remove(job);
            // Everything is made owner-only from its first moment and the directory opened to the job's user last: a
            // file written with the umask (0644) and narrowed afterwards could be opened by anyone in between, and
            // kept open (an interactive job's script holds the token its terminal is reached with).
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path script = directory.resolve("script");
            writeNew(script, job.spec().script(), "rwx------");
            Path nodefile = directory.resolve("nodefile");
            StringBuilder lines = new StringBuilder();
            for (String node : job.allocated()) {
                lines.append((node + "\n").repeat(job.spec().ppn()));
            }
            writeNew(nodefile, lines, "rw-------");
            if (!ownAccount.equals(job.spec().user())) {
                UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName(job.spec().user());
                for (Path path : new Path[] {script, nodefile}) {
                    try {
                        Files.setOwner(path, owner);
                    } catch (java.nio.file.FileSystemException e) {
                        throw new SpoolException("cannot give the job's files to " + job.spec().user() + " ("
                                + e.getMessage() + "): the queue manager runs as " + ownAccount
                                + " without root or CAP_CHOWN", e);
                    }
                }
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
            return new JobFiles(directory, script, nodefile);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new SpoolException("no such user: " + job.spec().user(), e);
        } catch (IOException e) {
            throw new SpoolException("spool " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Creates a file that did not exist, with the permissions from its creation, and writes it. */
    private static void writeNew(Path file, CharSequence content, String permissions) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /**
     * Removes a job's spool directory, if any.
     *
     * @param job the job
     */
    public void remove(Job job) {
        Path directory = directoryOf(job);
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(JobSpool.class).warn("queue-manager: job {}: spool not removed: {}", job.id(),
                    e.getMessage());
        }
    }

    private Path directoryOf(Job job) {
        return root.resolve(job.id().replace('[', '-').replace("]", ""));
    }
}
