package org.sss.mpd.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import org.sss.mpd.internal.PathHandle;

/**
 * Reads a job's output file from an offset, for the dashboard to show it as it grows: where the mpd of the job's
 * first node reads it for the dashboard ({@link MpdConsole#readOutput}), and where the dashboard reads it itself when
 * it has no ring. The reader may be root, and the file's path is the job owner's to choose, so the file is read only
 * when it is a regular file (not a link) owned by the job's user: the file is pinned ({@link PathHandle}), then what
 * was pinned is checked and read, so that nothing can be swapped in between; otherwise nothing is read and the chunk
 * says why. At most {@value #MAX_CHUNK} bytes are returned at a time.
 */
public final class OutputFile {
    /** Most bytes returned by one read. */
    public static final int MAX_CHUNK = 256 * 1024;

    /**
     * @param bytes      what was read
     * @param nextOffset where the next read starts
     * @param problem    why nothing could be read, or empty
     */
    public record Chunk(byte[] bytes, long nextOffset, String problem) {
    }

    private OutputFile() {
    }

    /**
     * @param path   the file, as the queue manager reports it (may be {@code null} before the job is set up)
     * @param owner  the job's user
     * @param offset where to start
     * @return the bytes from the offset, up to {@value #MAX_CHUNK}
     */
    public static Chunk read(String path, String owner, long offset) {
        if (path == null || path.isEmpty()) {
            return new Chunk(new byte[0], offset, "");
        }
        Path file;
        try {
            file = Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            return new Chunk(new byte[0], offset, "not a path: " + e.getMessage());
        }
        if (!file.isAbsolute()) {
            return new Chunk(new byte[0], offset, path + ": not an absolute path");
        }
        // The file is pinned first (O_PATH, not following a last link), then what was pinned is checked and read:
        // checking the path and then opening it would let a directory on the way be swapped for a link in between,
        // and a reader running as root read any file, or block on a FIFO.
        try (PathHandle pinned = PathHandle.open(file)) {
            PosixFileAttributes attributes = Files.readAttributes(pinned.path(), PosixFileAttributes.class);
            String refusal = refusal(attributes, owner);
            if (refusal != null) {
                return new Chunk(new byte[0], offset, path + ": " + refusal);
            }
            try (SeekableByteChannel channel = Files.newByteChannel(pinned.path(), StandardOpenOption.READ)) {
                if (offset >= channel.size()) {
                    return new Chunk(new byte[0], Math.min(offset, channel.size()), "");
                }
                channel.position(offset);
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_CHUNK, channel.size() - offset));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // keep reading until the chunk is full or the file ends
                }
                byte[] bytes = Arrays.copyOf(buffer.array(), buffer.position());
                return new Chunk(bytes, offset + bytes.length, "");
            }
        } catch (NoSuchFileException e) {
            return new Chunk(new byte[0], offset, "");
        } catch (IOException | RuntimeException e) {
            return new Chunk(new byte[0], offset, path + ": " + e.getMessage());
        }
    }

    private static String refusal(PosixFileAttributes attributes, String owner) {
        if (!attributes.isRegularFile()) {
            return "not a regular file";
        }
        if (!attributes.owner().getName().equals(owner)) {
            return "owned by " + attributes.owner().getName() + ", not by the job's user " + owner;
        }
        return null;
    }
}
