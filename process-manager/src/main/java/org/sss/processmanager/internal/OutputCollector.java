package org.sss.processmanager.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects a process group's output and error output for {@code wait-process-group}, in its mode:
 * <ul>
 *   <li>{@code label}: whole lines, each prefixed with {@code RANK: } ({@code co-process HOST: } for a co-process);
 *       a last line without a newline is completed when the group ends;</li>
 *   <li>{@code merged}: the bytes as they arrived;</li>
 *   <li>{@code discard}: nothing.</li>
 * </ul>
 * Each stream keeps at most {@code limit} bytes; what comes after is dropped and the stream marked truncated.
 * Thread-safe.
 */
final class OutputCollector {
    private final String mode;
    private final long limit;
    private final Stream out = new Stream();
    private final Stream err = new Stream();
    private final Map<String, ByteArrayOutputStream> partial = new LinkedHashMap<>();

    /** One collected stream. */
    private final class Stream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean truncated;

        void append(byte[] data, int offset, int length) {
            long room = limit - bytes.size();
            if (length > room) {
                truncated = true;
                length = (int) Math.max(0, room);
            }
            bytes.write(data, offset, length);
        }
    }

    /**
     * @param mode  label, merged or discard
     * @param limit most bytes kept per stream
     */
    OutputCollector(String mode, long limit) {
        this.mode = mode;
        this.limit = limit;
    }

    /**
     * @param rank   the rank, or -1 for a co-process
     * @param coHost the co-process's host, or null
     * @param stream 1 for output, 2 for error output
     * @param data   the bytes
     */
    synchronized void add(int rank, String coHost, int stream, byte[] data) {
        Stream target = stream == 2 ? err : out;
        switch (mode) {
            case "discard" -> {
                return;
            }
            case "merged" -> target.append(data, 0, data.length);
            default -> label(rank < 0 ? "co-process " + coHost + ": " : rank + ": ", stream, target, data);
        }
    }

    private void label(String prefix, int stream, Stream target, byte[] data) {
        if (target.bytes.size() >= limit) {
            target.truncated = true; // full: nothing more of this stream is kept, so no line need be either
            return;
        }
        ByteArrayOutputStream line = partial.computeIfAbsent(stream + prefix, k -> new ByteArrayOutputStream());
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                keep(line, target, data, start, i + 1 - start);
                emit(prefix, target, line);
                start = i + 1;
            }
        }
        keep(line, target, data, start, data.length - start);
    }

    /** Adds to an unfinished line no more than the stream could still keep: output without newlines is bounded too. */
    private void keep(ByteArrayOutputStream line, Stream target, byte[] data, int offset, int length) {
        long room = Math.max(0, limit - target.bytes.size() - line.size());
        if (length > room) {
            target.truncated = true;
            length = (int) room;
        }
        line.write(data, offset, length);
    }

    private void emit(String prefix, Stream target, ByteArrayOutputStream line) {
        byte[] label = prefix.getBytes(StandardCharsets.UTF_8);
        target.append(label, 0, label.length);
        byte[] text = line.toByteArray();
        target.append(text, 0, text.length);
        line.reset();
    }

    /** Completes unfinished lines (label mode): the group has ended. */
    synchronized void finish() {
        for (Map.Entry<String, ByteArrayOutputStream> entry : partial.entrySet()) {
            if (entry.getValue().size() > 0) {
                entry.getValue().write('\n');
                String key = entry.getKey();
                emit(key.substring(1), key.charAt(0) == '2' ? err : out, entry.getValue());
            }
        }
        partial.clear();
    }

    /** Forgets everything: the ring is about to replay the group's output from the start. */
    synchronized void reset() {
        out.bytes.reset();
        err.bytes.reset();
        out.truncated = false;
        err.truncated = false;
        partial.clear();
    }

    /**
     * Restores what was stored at the group's end.
     *
     * @param stdout          output
     * @param stderr          error output
     * @param stdoutTruncated whether output was dropped
     * @param stderrTruncated whether error output was dropped
     */
    synchronized void restore(byte[] stdout, byte[] stderr, boolean stdoutTruncated, boolean stderrTruncated) {
        reset();
        out.bytes.writeBytes(stdout);
        err.bytes.writeBytes(stderr);
        out.truncated = stdoutTruncated;
        err.truncated = stderrTruncated;
    }

    /** Marks both streams truncated: the ring dropped output before it reached us. */
    synchronized void markTruncated() {
        out.truncated = true;
        err.truncated = true;
    }

    /** @return the collected output */
    synchronized byte[] stdout() {
        return out.bytes.toByteArray();
    }

    /** @return the collected error output */
    synchronized byte[] stderr() {
        return err.bytes.toByteArray();
    }

    /** @return whether output was dropped */
    synchronized boolean stdoutTruncated() {
        return out.truncated;
    }

    /** @return whether error output was dropped */
    synchronized boolean stderrTruncated() {
        return err.truncated;
    }
}
