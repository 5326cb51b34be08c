package org.sss.mpd.internal.pmix;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * The applications of a rank's {@code PMIx_Spawn} as {@code sss-pmix} sends them ({@code spawn}, docs/PMIX.md): one
 * block of lines per application, opened by {@code app=MAXPROCS} and followed by {@code cmd=PROGRAM}, an
 * {@code arg=} line per argument, an {@code env=NAME=value} line per variable and at most one {@code cwd=DIR}; values
 * have their bytes below 0x20, {@code %} and 0x7f written {@code %xx}. Each becomes a spawn command, as MPICH's
 * {@code MPI_Comm_spawn} gives them over PMI-1, with {@code cwd} as its {@code wdir}. Bounded: a request of more than
 * {@link #MAX_APPS} applications, {@link #MAX_LINES} lines or {@link #MAX_PROCS} processes is refused.
 */
public final class PmixSpawnApps {
    /** The most applications a spawn may hold. */
    public static final int MAX_APPS = 1024;
    /** The most lines (arguments and variables) a spawn may hold. */
    public static final int MAX_LINES = 65536;
    /** The most processes a spawn may start. */
    public static final int MAX_PROCS = 1_000_000;

    private PmixSpawnApps() {
    }

    /**
     * @param body the body of {@code spawn}
     * @return the commands, in order
     * @throws IllegalArgumentException if the body is malformed or too large, saying why
     */
    public static List<SpawnRequest.Command> parse(byte[] body) {
        List<SpawnRequest.Command> commands = new ArrayList<>();
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        if (lines.length > MAX_LINES) {
            throw new IllegalArgumentException("a spawn of more than " + MAX_LINES + " lines");
        }
        Block block = null;
        long total = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("a spawn line without key=value");
            }
            String key = line.substring(0, equals);
            String value = unescape(line.substring(equals + 1));
            if (key.equals("app")) {
                if (block != null) {
                    commands.add(block.command());
                }
                if (commands.size() >= MAX_APPS) {
                    throw new IllegalArgumentException("a spawn of more than " + MAX_APPS + " applications");
                }
                block = new Block(count(value));
                total += block.procs;
                if (total > MAX_PROCS) {
                    throw new IllegalArgumentException("a spawn of more than " + MAX_PROCS + " processes");
                }
                continue;
            }
            if (block == null) {
                throw new IllegalArgumentException("a spawn line before the first app");
            }
            switch (key) {
                case "cmd" -> block.cmd = value;
                case "arg" -> block.args.add(value);
                case "env" -> {
                    if (value.indexOf('=') <= 0) {
                        throw new IllegalArgumentException("a spawn variable without NAME=");
                    }
                    block.env.add(value);
                }
                case "cwd" -> block.cwd = value;
                default -> throw new IllegalArgumentException("an unknown spawn key " + key);
            }
        }
        if (block == null) {
            throw new IllegalArgumentException("a spawn of no application");
        }
        commands.add(block.command());
        return commands;
    }

    private static int count(String value) {
        try {
            int procs = Integer.parseInt(value);
            if (procs < 1 || procs > MAX_PROCS) {
                throw new IllegalArgumentException("a spawn of " + procs + " processes");
            }
            return procs;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a spawn with a bad app count");
        }
    }

    private static final class Block {
        final int procs;
        String cmd;
        String cwd;
        final List<String> args = new ArrayList<>();
        final List<String> env = new ArrayList<>();

        Block(int procs) {
            this.procs = procs;
        }

        SpawnRequest.Command command() {
            if (cmd == null || cmd.isEmpty()) {
                throw new IllegalArgumentException("a spawned application without cmd");
            }
            Map<String, String> info = new LinkedHashMap<>();
            if (cwd != null && !cwd.isEmpty()) {
                info.put("wdir", cwd);
            }
            return new SpawnRequest.Command(procs, cmd, args, Map.of(), info, env);
        }
    }

    private static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (bytes[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
