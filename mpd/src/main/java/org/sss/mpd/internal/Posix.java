package org.sss.mpd.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The few POSIX calls the mpd needs that Java does not offer, bound with the Foreign Function and Memory API
 * (no JNI): {@code posix_spawn} of a rank in a new session with its stdio on pipes, {@code kill} of a process
 * group, {@code pidfd_open}, {@code poll}, {@code read}, {@code write}, {@code close} and {@code waitpid}.
 * Linux with glibc 2.36 or later (constants checked against its headers). The JVM must run with
 * {@code --enable-native-access=ALL-UNNAMED}. Stateless and thread-safe.
 */
public final class Posix {
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_NONBLOCK = 04000;
    /** O_WRONLY | O_CREAT | O_TRUNC: how an output file is opened for a spawned process. */
    private static final int O_OUTPUT = 01 | 0100 | 01000;
    private static final int OUTPUT_MODE = 0600;
    private static final long SIZEOF_SPAWNATTR = 336;
    private static final long SIZEOF_FILE_ACTIONS = 80;
    private static final long SIZEOF_SIGSET = 128;
    private static final int EINTR = 4;
    private static final int WNOHANG = 1;
    private static final long SYS_PIDFD_OPEN = 434;
    /** poll: data to read. */
    public static final short POLLIN = 0x1;
    /** poll: an error or hang-up (reported whatever was asked). */
    public static final short POLLERR_HUP_NVAL = 0x8 | 0x10 | 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle POSIX_SPAWN = bind("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_INIT = bind("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = bind("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_SETFLAGS = bind("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SETSIGMASK = bind("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SETSIGDEFAULT = bind("posix_spawnattr_setsigdefault",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = bind("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = bind("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_INIT = bind("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY = bind("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_ADDDUP2 = bind("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_ADDOPEN = bind("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_ADDCHDIR = bind("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FA_ADDCLOSEFROM = bind("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle PIPE2 = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    private static final MethodHandle WAITPID = bind("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    private static final MethodHandle KILL = bind("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle SYSCALL = bind("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT), ERRNO);
    private static final MethodHandle GETUID = bind("getuid", FunctionDescriptor.of(JAVA_INT));

    private Posix() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    private static IOException failure(String call, int errno) {
        return new IOException(call + " failed: " + Errno.describe(errno));
    }

    /**
     * A process started by {@link #spawn}: its pid (also its process group and session id) and this side's ends
     * of its stdio pipes.
     *
     * @param pid    the process id
     * @param stdin  write end of its standard input
     * @param stdout read end of its standard output
     * @param stderr read end of its standard error
     */
    public record Spawned(int pid, int stdin, int stdout, int stderr) {
    }

    /**
     * Files a spawned process's standard output and error go to instead of their pipes (whose read ends then see
     * end-of-file at once): opened in the child after it has entered its working directory, created mode 0600 and
     * truncated. The same path for both joins them in one file description, as {@code >FILE 2>&1} does.
     *
     * @param stdout the file for standard output, or empty for its pipe
     * @param stderr the file for standard error, or empty for its pipe
     */
    public record Redirects(String stdout, String stderr) {
        /** Both on their pipes. */
        public static final Redirects NONE = new Redirects("", "");

        /** Empty for null. */
        public Redirects {
            stdout = stdout == null ? "" : stdout;
            stderr = stderr == null ? "" : stderr;
        }

        /** @return whether either goes to a file */
        boolean any() {
            return !stdout.isEmpty() || !stderr.isEmpty();
        }

        /** @return the files, for an error message */
        String describe() {
            return stderr.isEmpty() || stderr.equals(stdout) ? "output in " + stdout
                    : stdout.isEmpty() ? "errors in " + stderr : "output in " + stdout + ", errors in " + stderr;
        }
    }

    /**
     * {@link #spawn(String, List, List, String, Redirects)} with standard output and error on their pipes.
     *
     * @param path the executable's absolute path
     * @param argv the arguments, argv[0] first
     * @param env  the whole environment, {@code NAME=value}
     * @param cwd  the working directory, or null for the mpd's
     * @return the process and its pipes
     * @throws IOException with the errno text if it cannot be started
     */
    public static Spawned spawn(String path, List<String> argv, List<String> env, String cwd) throws IOException {
        return spawn(path, argv, env, cwd, Redirects.NONE);
    }

    /**
     * Starts a program in a new session (so it leads its own process group), with standard input, output and
     * error on fresh pipes, no other descriptor inherited, no blocked signals and every signal at its default.
     *
     * @param path the executable's absolute path
     * @param argv the arguments, argv[0] first
     * @param env  the whole environment, {@code NAME=value}
     * @param cwd  the working directory, or null for the mpd's
     * @param redirects files standard output and error go to instead of their pipes
     * @return the process and its pipes
     * @throws IOException with the errno text if it cannot be started (the child's exec failure, e.g. ENOENT or
     *                     EACCES, is reported here too, and so is a failure to open an output file)
     */
    public static Spawned spawn(String path, List<String> argv, List<String> env, String cwd, Redirects redirects)
            throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int[] in = pipe(arena);
            int[] out = pipe(arena);
            int[] err = pipe(arena);
            MemorySegment attr = arena.allocate(SIZEOF_SPAWNATTR, 8);
            MemorySegment actions = arena.allocate(SIZEOF_FILE_ACTIONS, 8);
            MemorySegment noSignals = arena.allocate(SIZEOF_SIGSET, 8);
            MemorySegment allSignals = arena.allocate(SIZEOF_SIGSET, 8);
            int rc = (int) ATTR_INIT.invokeExact(attr);
            rc |= (int) SIGEMPTYSET.invokeExact(noSignals);
            rc |= (int) SIGFILLSET.invokeExact(allSignals);
            rc |= (int) ATTR_SETSIGMASK.invokeExact(attr, noSignals);
            rc |= (int) ATTR_SETSIGDEFAULT.invokeExact(attr, allSignals);
            rc |= (int) ATTR_SETFLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
            rc |= (int) FA_INIT.invokeExact(actions);
            rc |= (int) FA_ADDDUP2.invokeExact(actions, in[0], 0);
            rc |= (int) FA_ADDDUP2.invokeExact(actions, out[1], 1);
            rc |= (int) FA_ADDDUP2.invokeExact(actions, err[1], 2);
            rc |= (int) FA_ADDCLOSEFROM.invokeExact(actions, 3);
            if (cwd != null) {
                rc |= (int) FA_ADDCHDIR.invokeExact(actions, arena.allocateFrom(cwd));
            }
            if (!redirects.stdout().isEmpty()) {
                rc |= (int) FA_ADDOPEN.invokeExact(actions, 1, arena.allocateFrom(redirects.stdout()), O_OUTPUT, OUTPUT_MODE);
            }
            if (redirects.stderr().equals(redirects.stdout()) && !redirects.stderr().isEmpty()) {
                rc |= (int) FA_ADDDUP2.invokeExact(actions, 1, 2);
            } else if (!redirects.stderr().isEmpty()) {
                rc |= (int) FA_ADDOPEN.invokeExact(actions, 2, arena.allocateFrom(redirects.stderr()), O_OUTPUT, OUTPUT_MODE);
            }
            MemorySegment pid = arena.allocate(JAVA_INT);
            int error = rc != 0 ? -1 : (int) POSIX_SPAWN.invokeExact(pid, arena.allocateFrom(path), actions, attr,
                    strings(arena, argv), strings(arena, env));
            int ignored = (int) FA_DESTROY.invokeExact(actions);
            ignored |= (int) ATTR_DESTROY.invokeExact(attr);
            close(in[0]);
            close(out[1]);
            close(err[1]);
            if (error != 0) {
                close(in[1]);
                close(out[0]);
                close(err[0]);
                throw error < 0 ? new IOException("posix_spawn attributes could not be set up")
                        : failure("exec " + path + (redirects.any() ? " (" + redirects.describe() + ")" : ""), error);
            }
            return new Spawned(pid.get(JAVA_INT, 0), in[1], out[0], err[0]);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("native call failed: " + e, e);
        }
    }

    private static int[] pipe(Arena arena) throws Throwable {
        return pipe(arena, O_CLOEXEC);
    }

    private static int[] pipe(Arena arena, int flags) throws Throwable {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        MemorySegment state = arena.allocate(CALL_STATE);
        if ((int) PIPE2.invokeExact(state, fds, flags) != 0) {
            throw failure("pipe2", errno(state));
        }
        return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
    }

    /**
     * @return a new close-on-exec, non-blocking eventfd: one descriptor that {@link #poke} makes readable and
     *         {@link #drain} resets (a wake-up for a poll loop, where a pipe would cost two)
     * @throws IOException if the process is out of descriptors
     */
    public static int wakeup() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EVENTFD.invokeExact(state, 0, O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                throw failure("eventfd", errno(state));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("eventfd failed: " + e, e);
        }
    }

    /**
     * Adds one to an eventfd from {@link #wakeup} (an 8-byte count, in the machine's byte order), waking its poller.
     *
     * @param fd the eventfd
     */
    public static void poke(int fd) {
        byte[] one = new byte[8];
        one[java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 7] = 1;
        try {
            write(fd, one);
        } catch (IOException full) {
            // EAGAIN: the count is at its maximum, so the poller is awake anyway.
        }
    }

    /**
     * Resets an eventfd from {@link #wakeup}: one read takes its whole count.
     *
     * @param fd the eventfd
     */
    public static void drain(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(8);
            MemorySegment state = arena.allocate(CALL_STATE);
            long n;
            do {
                // EAGAIN (not poked since the last drain) is no failure and costs no exception: this runs on every
                // wake-up.
                n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
            } while (n < 0 && errno(state) == EINTR);
        } catch (Throwable e) {
            throw new IllegalStateException("read failed: " + e, e);
        }
    }

    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * @param fd a descriptor this process owns; closing it twice is the caller's bug
     */
    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            throw new IllegalStateException("close failed: " + e, e);
        }
    }

    /**
     * @param pid a process or, negated, a process group
     * @param signal the signal number (0 only checks existence)
     * @return 0, or the errno (ESRCH = 3 when nothing is there)
     */
    public static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) KILL.invokeExact(state, pid, signal);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable e) {
            throw new IllegalStateException("kill failed: " + e, e);
        }
    }

    /**
     * @param pid a child process
     * @return a descriptor that becomes readable when it exits
     * @throws IOException if the kernel refuses (e.g. the process is gone)
     */
    public static int pidfdOpen(int pid) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long fd = (long) SYSCALL.invokeExact(state, SYS_PIDFD_OPEN, pid, 0);
            if (fd < 0) {
                throw failure("pidfd_open", errno(state));
            }
            return (int) fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("pidfd_open failed: " + e, e);
        }
    }

    /**
     * Reaps a child that has exited, without waiting.
     *
     * @param pid the child
     * @return its wait status, or -1 if it has not exited yet
     * @throws IOException if it is not a child of this process
     */
    public static int reap(int pid) throws IOException {
        return waitpid(pid, WNOHANG);
    }

    /**
     * Waits for a child to exit and reaps it, blocking the calling thread (use one of its own).
     * @param pid the child
     * @return its wait status
     * @throws IOException if it is not a child of this process
     */
    public static int awaitExit(int pid) throws IOException {
        return waitpid(pid, 0);
    }

    private static int waitpid(int pid, int options) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int rc = (int) WAITPID.invokeExact(state, pid, status, options);
                if (rc == pid) {
                    return status.get(JAVA_INT, 0);
                }
                if (rc == 0) {
                    return -1;
                }
                if (errno(state) != EINTR) {
                    throw failure("waitpid", errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("waitpid failed: " + e, e);
        }
    }

    /**
     * Waits until one of the descriptors is ready.
     *
     * @param pollfds  an array of {@code struct pollfd} (fd, events, revents: 8 bytes each)
     * @param count    how many entries are used
     * @param timeoutMillis longest wait, -1 for none
     * @return the number of ready descriptors (0 on timeout or interruption)
     * @throws IOException on a poll failure other than EINTR
     */
    public static int poll(MemorySegment pollfds, int count, int timeoutMillis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) POLL.invokeExact(state, pollfds, (long) count, timeoutMillis);
            if (rc < 0) {
                if (errno(state) == EINTR) {
                    return 0;
                }
                throw failure("poll", errno(state));
            }
            return rc;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("poll failed: " + e, e);
        }
    }

    /**
     * @param fd     a descriptor
     * @param buffer where to read
     * @return bytes read, 0 at end of file
     * @throws IOException on a read failure other than EINTR
     */
    public static long read(int fd, MemorySegment buffer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n >= 0) {
                    return n;
                }
                if (errno(state) != EINTR) {
                    throw failure("read", errno(state));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("read failed: " + e, e);
        }
    }

    /**
     * Writes all bytes (blocking).
     *
     * @param fd    a descriptor
     * @param bytes what to write
     * @throws IOException if the descriptor is closed on the other side (EPIPE) or fails otherwise
     */
    public static void write(int fd, byte[] bytes) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, JAVA_BYTE, 0, bytes.length);
            long done = 0;
            while (done < bytes.length) {
                long n = (long) WRITE.invokeExact(state, fd, data.asSlice(done), (long) bytes.length - done);
                if (n < 0) {
                    if (errno(state) == EINTR) {
                        continue;
                    }
                    throw failure("write", errno(state));
                }
                done += n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("write failed: " + e, e);
        }
    }

    /** @return the real user id of this process */
    public static int uid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("getuid failed: " + e, e);
        }
    }

    /**
     * @param status a wait status
     * @return the exit code, or 128 + the signal for a process killed by a signal (as shells report it)
     */
    public static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /**
     * @param status a wait status
     * @return the signal that killed the process, or 0 if it exited
     */
    public static int termSignal(int status) {
        return status & 0x7f;
    }
}
