package org.sss.mpd.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file pinned by {@code open(path, O_PATH | O_NOFOLLOW)}: the file the path names now, whatever the path names later,
 * without opening it for reading (so a device's open routine never runs, and a FIFO cannot block). {@link #path()}
 * ({@code /proc/self/fd/N}) stats and reopens exactly that file: check what it is, then read it, with no race between
 * the two (the check-then-open on the path itself has one: a directory on the way swapped for a link in between).
 * Closing releases it.
 */
public final class PathHandle implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    /** Its own, not {@link Posix}'s: the dashboard uses this class too, and needs none of Posix's other bindings. */
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    private static final int O_PATH = 0x200000;
    private static final int O_NOFOLLOW = AARCH64 ? 0x8000 : 0x20000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ENOENT = 2;
    private static final int ELOOP = 40;
    private final int fd;

    private PathHandle(int fd) {
        this.fd = fd;
    }

    /**
     * @param path the file
     * @return it, pinned
     * @throws NoSuchFileException     if there is no such file
     * @throws SymbolicLinkException   if a component on the way loops (a link to a link...); a last component that
     *                                 is a link is pinned itself, and is then not a regular file
     * @throws IOException             if it cannot be opened otherwise
     */
    public static PathHandle open(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
            if (fd >= 0) {
                return new PathHandle(fd);
            }
            int errno = state.get(JAVA_INT, ERRNO_OFFSET);
            if (errno == ENOENT) {
                throw new NoSuchFileException(path.toString());
            }
            if (errno == ELOOP) {
                throw new SymbolicLinkException(path + ": too many levels of symbolic links");
            }
            throw new IOException(path + ": " + Errno.describe(errno));
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("open failed: " + e, e);
        }
    }

    /** @return {@code /proc/self/fd/N}: stat it, or open it, to reach exactly the file pinned */
    public Path path() {
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            throw new IllegalStateException("close failed: " + e, e);
        }
    }

    /** The path's links loop. */
    public static final class SymbolicLinkException extends IOException {
        private static final long serialVersionUID = 1L;

        SymbolicLinkException(String message) {
            super(message);
        }
    }
}
