package org.sss.mpd.internal.pmi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code MPI_Comm_spawn} request as MPICH's client sends it: one block per command, each opened by
 * {@code mcmd=spawn} and closed by {@code endcmd}, with one {@code key=value} per line in between (a value is the
 * rest of its line and may hold blanks and {@code =}); the request is complete after the block whose
 * {@code spawnssofar} equals {@code totspawns}. Not thread-safe: one per rank connection.
 */
public final class SpawnRequest {
    private static final int MAX_BLOCK_LINES = 4096;
    private final List<Command> commands = new ArrayList<>();
    private Map<String, String> block;

    /**
     * One command to spawn.
     *
     * @param nprocs  how many ranks
     * @param exec    the program
     * @param args    its arguments
     * @param preput  keys to put in the new job's KVS before it starts
     * @param info    MPI_Info pairs (the server honours {@code wdir})
     * @param env     variables ({@code NAME=value}) the spawned ranks get (PMIx's apps carry them; PMI-1's none)
     */
    public record Command(int nprocs, String exec, List<String> args, Map<String, String> preput, Map<String, String> info,
                          List<String> env) {
        /** Copies the environment. */
        public Command {
            env = env == null ? List.of() : List.copyOf(env);
        }

        /** A command without variables of its own, as PMI-1 asks. */
        public Command(int nprocs, String exec, List<String> args, Map<String, String> preput, Map<String, String> info) {
            this(nprocs, exec, args, preput, info, List.of());
        }
    }

    /** @return whether a block is open (lines belong to it) */
    public boolean inBlock() {
        return block != null;
    }

    /** Opens a block ({@code mcmd=spawn} seen). */
    public void open() {
        block = new LinkedHashMap<>();
    }

    /**
     * Adds a line of the open block.
     *
     * @param line the line
     * @return whether the whole request is now complete
     * @throws PmiProtocolException if the line or the block is malformed
     */
    public boolean line(String line) throws PmiProtocolException {
        if (line.trim().equals("endcmd")) {
            Command command = close();
            int total = number(block, "totspawns");
            int sofar = number(block, "spawnssofar");
            block = null;
            // Blocks come numbered 1..totspawns, each once: a repeated or skipped number would let a rank add blocks
            // (up to megabytes each) for as long as it liked.
            if (total < 1 || total > 1024 || sofar != commands.size() + 1 || sofar > total) {
                commands.clear();
                throw new PmiProtocolException("spawn block with spawnssofar " + sofar + " of totspawns " + total);
            }
            commands.add(command);
            return sofar == total;
        }
        int equals = line.indexOf('=');
        if (equals <= 0) {
            throw new PmiProtocolException("spawn line without key=value: " + PmiCommand.excerpt(line));
        }
        if (block.size() >= MAX_BLOCK_LINES) {
            throw new PmiProtocolException("spawn block longer than " + MAX_BLOCK_LINES + " lines");
        }
        if (line.length() > PmiLimits.MAX_LINE) {
            throw new PmiProtocolException("spawn line longer than " + PmiLimits.MAX_LINE + " bytes");
        }
        block.put(line.substring(0, equals).trim(), line.substring(equals + 1));
        return false;
    }

    private Command close() throws PmiProtocolException {
        int nprocs = number(block, "nprocs");
        if (nprocs < 1 || nprocs > 1_000_000) {
            throw new PmiProtocolException("spawn of " + nprocs + " processes");
        }
        String exec = block.get("execname");
        if (exec == null || exec.isEmpty()) {
            throw new PmiProtocolException("spawn without execname");
        }
        List<String> args = new ArrayList<>();
        int argcnt = block.containsKey("argcnt") ? number(block, "argcnt") : 0;
        for (int i = 1; i <= argcnt; i++) {
            String arg = block.get("arg" + i);
            if (arg == null) {
                throw new PmiProtocolException("spawn argcnt " + argcnt + " without arg" + i);
            }
            args.add(arg);
        }
        return new Command(nprocs, exec, args, pairs(block, "preput"), pairs(block, "info"));
    }

    private static Map<String, String> pairs(Map<String, String> block, String kind) throws PmiProtocolException {
        Map<String, String> pairs = new LinkedHashMap<>();
        int count = block.containsKey(kind + "_num") ? number(block, kind + "_num") : 0;
        for (int i = 0; i < count; i++) {
            String key = block.get(kind + "_key_" + i);
            String value = block.get(kind + "_val_" + i);
            if (key == null || value == null) {
                throw new PmiProtocolException("spawn " + kind + "_num " + count + " without " + kind + " pair " + i);
            }
            pairs.put(key, value);
        }
        return pairs;
    }

    private static int number(Map<String, String> block, String key) throws PmiProtocolException {
        String value = block.get(key);
        if (value == null) {
            throw new PmiProtocolException("spawn block without " + key);
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PmiProtocolException("spawn block with a non-integer " + key);
        }
    }

    /** @return the commands, once complete */
    public List<Command> commands() {
        return List.copyOf(commands);
    }
}
