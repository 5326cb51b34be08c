package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An allocation granted to sssjob alloc or run: a job of the user's, running {@link HolderScript} on its nodes, and
 * what a program inside it gets, read from the files that script wrote. {@link #environment} is what a command on
 * the login host needs to launch in it; {@link #release} ends it with an exit status.
 *
 * @param id       the job's id
 * @param key      its job key (MPD_JOB_KEY)
 * @param console  its first node's mpd (MPD_CONSOLE)
 * @param fifo     where the holder waits for the exit status (on the first node)
 * @param nodefile the node file (one line per slot), in the user's allocation directory
 * @param slots    its lines
 */
record Allocation(String id, String key, String console, String fifo, Path nodefile, List<String> slots) {
    /** Copies the slots. */
    Allocation {
        slots = List.copyOf(slots);
    }

    /**
     * @param env the process environment
     * @return the user's allocation directory, {@code ~/.sss/alloc}: {@code $HOME} as shells take it, else the
     *         home directory of the password database
     */
    static Path directory(Map<String, String> env) {
        String home = env.getOrDefault("HOME", "");
        return Path.of(home.startsWith("/") ? home : System.getProperty("user.home"), ".sss", "alloc");
    }

    /**
     * Makes the user's allocation directory, mode 0700, if it is not there.
     *
     * @param env the process environment
     * @return it
     * @throws CliException (exit 1) when it cannot be made
     */
    static Path makeDirectory(Map<String, String> env) throws CliException {
        Path dir = directory(env);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new CliException(ExitStatus.REFUSED, "cannot make " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Reads a granted allocation, once its holder has written its files.
     *
     * @param id  the job
     * @param env the process environment
     * @return it, or empty while the files are not there yet
     * @throws CliException (exit 1) for files that are there but unreadable
     */
    static Optional<Allocation> read(String id, Map<String, String> environment) throws CliException {
        Path env = directory(environment).resolve(id + ".env");
        Path nodes = directory(environment).resolve(id + ".nodes");
        if (!Files.isRegularFile(env)) {
            return Optional.empty();
        }
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(env, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            List<String> slots = new ArrayList<>();
            for (String line : Files.readAllLines(nodes, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    slots.add(line.strip());
                }
            }
            String key = values.getOrDefault("MPD_JOB_KEY", "");
            if (key.isEmpty() || values.getOrDefault("MPD_CONSOLE", "").isEmpty() || slots.isEmpty()) {
                throw new CliException(ExitStatus.REFUSED, "job " + id + ": " + env + " lacks the job's key or mpd");
            }
            return Optional.of(new Allocation(id, key, values.get("MPD_CONSOLE"), values.getOrDefault("FIFO", ""),
                    nodes, slots));
        } catch (IOException e) {
            throw new CliException(ExitStatus.REFUSED, "job " + id + ": cannot read " + env + ": " + e.getMessage());
        }
    }

    /** @return the allocation's nodes, each once, in the node file's order */
    List<String> nodes() {
        return List.copyOf(new LinkedHashSet<>(slots));
    }

    /**
     * What a command on the login host runs with to use the allocation: the user's environment, the suite's
     * {@code bin/} first on PATH (so {@code mpiexec} is the suite's), and the job's variables — SSS_JOBID,
     * PBS_JOBID, PBS_NODEFILE, PBS_NP, PBS_NUM_NODES, MPD_JOB_KEY, MPD_CONSOLE, SLURM_JOB_ID, SLURM_JOB_NODELIST
     * (the nodes, comma-separated), SLURM_NNODES and SLURM_NTASKS.
     *
     * @param base the user's environment
     * @param bin  the suite's bin directory
     * @return the command's environment
     */
    Map<String, String> environment(Map<String, String> base, Path bin) {
        Map<String, String> env = new LinkedHashMap<>(base);
        String path = base.getOrDefault("PATH", "/usr/bin:/bin");
        env.put("PATH", bin + ":" + path);
        env.put("SSS_JOBID", id);
        env.put("PBS_JOBID", id);
        env.put("PBS_NODEFILE", nodefile.toString());
        env.put("PBS_NP", String.valueOf(slots.size()));
        env.put("PBS_NUM_NODES", String.valueOf(nodes().size()));
        env.put("MPD_JOB_KEY", key);
        env.put("MPD_CONSOLE", console);
        env.put("SLURM_JOB_ID", id);
        env.put("SLURM_JOB_NODELIST", String.join(",", nodes()));
        env.put("SLURM_NNODES", String.valueOf(nodes().size()));
        env.put("SLURM_NTASKS", String.valueOf(slots.size()));
        return env;
    }

    /**
     * Ends the allocation with an exit status: writes it to the holder's FIFO on the first node, through the ring
     * under the job's key ({@code mpiexec -n 1 -hosts NODE1}), so the login host needs no file system in common
     * with the first node for it. Does nothing more when the job has already ended (the key is then refused).
     *
     * @param status the exit status the job ends with (0-255)
     * @param base   the user's environment
     * @param bin    the suite's bin directory
     * @return whether the status was delivered
     */
    boolean release(int status, Map<String, String> base, Path bin) {
        ProcessBuilder builder = new ProcessBuilder(bin.resolve("mpiexec").toString(), "-n", "1", "-hosts",
                slots.getFirst(), "/bin/sh", "-c", "printf '%s\\n' \"$1\" >\"$2\"", "sssjob-release",
                String.valueOf(status), fifo);
        builder.environment().clear();
        builder.environment().putAll(environment(base, bin));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            return builder.start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
