package org.sss.mpd.internal.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.sss.mpd.internal.Posix;

/** Reading and writing the files of a control group directory, and emptying one. Stateless. */
final class CgroupFiles {
    private static final int SIGKILL = 9;

    private CgroupFiles() {
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    /** @return the file's number, or 0 if it is missing or not a number */
    static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** @return the value of a {@code KEY VALUE} line of a flat-keyed file (memory.events, cpu.stat), or 0 */
    static long keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** @return the pids listed in a cgroup.procs file (none if it cannot be read) */
    static List<Integer> pids(Path procs) {
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return pids;
        }
        return pids;
    }

    /** Sends SIGKILL to every process listed in the file. */
    static void killListed(Path procs) {
        for (int pid : pids(procs)) {
            if (pid > 1) {
                Posix.kill(pid, SIGKILL);
            }
        }
    }

    /**
     * Waits until the file lists no process, killing what it lists again every round (processes may be forking).
     *
     * @return whether it became empty within about five seconds
     */
    static boolean awaitEmpty(Path procs) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!pids(procs).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            killListed(procs);
            LockSupport.parkNanos(20_000_000L);
        }
        return true;
    }

    /**
     * Removes a directory of groups if no group is left in it (another mpd on the host may still use it): the kernel
     * refuses to remove a group that has groups below it, and its control files do not count, so this only tries.
     */
    static void rmdirIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // in use by another mpd, or not a group (a plain directory with files in it)
        }
    }

    /** Removes a directory, trying for a second while the kernel still counts exiting processes in it. */
    static boolean rmdir(Path dir) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return true;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(20_000_000L);
            }
        }
    }
}
