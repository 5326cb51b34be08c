package org.sss.mpd.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every local rank of an mpd with one thread: a {@code poll} loop over each rank's stdout and stderr
 * pipes and a pidfd per rank. Output is handed to the rank's {@link Watcher} as it is read (chunks of up to
 * 64 KiB, never held back for a newline); when the rank exits, whatever it wrote before exiting is read first,
 * then the exit is reported once. Pipes still held open by a rank's leftover children are closed at its exit. The
 * pipes of a process whose watcher says {@link Watcher#held() held} are left unread until it says otherwise.
 */
public final class ProcessReactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessReactor.class);
    private static final int CHUNK = 65536;
    private static final int POLLFD = 8;
    /** Reads (of up to {@link #CHUNK} bytes each) of what an exited process left in its pipes: 4 MiB at most. */
    private static final int FINAL_READS = 64;

    /** Receives one process's output and exit, on the reactor's thread; must not block for long. */
    public interface Watcher {
        /**
         * @param stream 1 for standard output, 2 for standard error
         * @param data   the bytes read
         */
        void output(int stream, byte[] data);

        /** @param waitStatus the raw wait status (see {@link Posix#exitCode}) */
        void exited(int waitStatus);

        /**
         * @return whether its output is to be left in its pipes for now (its job's console is behind): the process
         *         then blocks in its writes once a pipe is full; {@link #reread} after this changes
         */
        default boolean held() {
            return false;
        }

        /**
         * Called once the process has exited and before it is reaped: its pid, and the process group it leads, cannot
         * be reused yet, so the group's leftover members can still be signalled safely.
         */
        default void beforeReap() {
        }
    }

    private final Thread thread;
    private final ConcurrentLinkedQueue<Entry> added = new ConcurrentLinkedQueue<>();
    /** An eventfd: one descriptor per reactor (a pipe would be two, and a JVM of many members holds many). */
    private final int wake;
    private volatile boolean closed;

    /**
     * @param name the mpd's id, for the thread name
     * @throws IOException if its wake-up eventfd cannot be made
     */
    public ProcessReactor(String name) throws IOException {
        this.wake = Posix.wakeup();
        this.thread = Thread.ofPlatform().daemon().name("mpd-io-" + name).start(this::loop);
    }

    /**
     * Starts watching a process.
     *
     * @param process what {@link Posix#spawn} returned (this reactor now owns its stdout and stderr)
     * @param watcher where its output and exit go
     * @throws IOException if its pidfd cannot be opened
     */
    public void watch(Posix.Spawned process, Watcher watcher) throws IOException {
        int pidfd = Posix.pidfdOpen(process.pid());
        added.add(new Entry(process.pid(), process.stdout(), process.stderr(), pidfd, watcher));
        Posix.poke(wake);
    }

    /** Makes the reactor look again at which pipes it reads (a process's {@link Watcher#held} changed). */
    public void reread() {
        Posix.poke(wake);
    }

    private void loop() {
        List<Entry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(CHUNK);
            MemorySegment exitPipes = arena.allocate(POLLFD * 2L);
            MemorySegment pollfds = arena.allocate((long) POLLFD * 4);
            int capacity = 4;
            while (!closed) {
                for (Entry entry; (entry = added.poll()) != null; ) {
                    entries.add(entry);
                }
                int needed = 1 + entries.size() * 3;
                if (needed > capacity) {
                    // Grows by doubling, so the arena holds at most twice the largest array ever needed.
                    capacity = Math.max(needed, capacity * 2);
                    pollfds = arena.allocate((long) POLLFD * capacity);
                }
                int count = 0;
                count = set(pollfds, count, wake, Posix.POLLIN);
                for (Entry entry : entries) {
                    short events = entry.held() ? 0 : Posix.POLLIN;
                    count = set(pollfds, count, entry.stdout, events);
                    count = set(pollfds, count, entry.stderr, events);
                    count = set(pollfds, count, entry.pidfd, Posix.POLLIN);
                }
                if (Posix.poll(pollfds, count, -1) <= 0) {
                    continue;
                }
                if (ready(pollfds, 0)) {
                    Posix.drain(wake);
                }
                // Output and exits read in this round are sent together: one write per link, not per message.
                Link.beginBatch();
                int index = 1;
                for (Entry entry : entries) {
                    boolean out = ready(pollfds, index++);
                    boolean err = ready(pollfds, index++);
                    boolean exit = ready(pollfds, index++);
                    if (out) {
                        entry.readOnce(1, buffer);
                    }
                    if (err) {
                        entry.readOnce(2, buffer);
                    }
                    if (exit) {
                        entry.finish(buffer, exitPipes);
                    }
                }
                entries.removeIf(Entry::done);
                Link.endBatch();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("mpd: process watcher stopped: {}", e.toString());
        } finally {
            Link.endBatch();
            for (Entry entry : entries) {
                entry.closeAll();
            }
        }
    }

    private static int set(MemorySegment pollfds, int index, int fd, short events) {
        long base = (long) index * POLLFD;
        pollfds.set(JAVA_INT, base, fd);
        pollfds.set(JAVA_SHORT, base + 4, fd < 0 ? 0 : events);
        pollfds.set(JAVA_SHORT, base + 6, (short) 0);
        return index + 1;
    }

    private static boolean ready(MemorySegment pollfds, int index) {
        long base = (long) index * POLLFD;
        return pollfds.get(JAVA_INT, base) >= 0 && pollfds.get(JAVA_SHORT, base + 6) != 0;
    }

    @Override
    public void close() {
        closed = true;
        Posix.poke(wake);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Posix.close(wake);
    }

    /** One watched process. A closed descriptor is -1, which poll skips. */
    private static final class Entry {
        final int pid;
        final Watcher watcher;
        int stdout;
        int stderr;
        int pidfd;
        boolean reported;

        Entry(int pid, int stdout, int stderr, int pidfd, Watcher watcher) {
            this.pid = pid;
            this.stdout = stdout;
            this.stderr = stderr;
            this.pidfd = pidfd;
            this.watcher = watcher;
        }

        void readOnce(int stream, MemorySegment buffer) {
            int fd = stream == 1 ? stdout : stderr;
            if (fd < 0) {
                return;
            }
            long n;
            try {
                n = Posix.read(fd, buffer);
            } catch (IOException e) {
                n = 0;
            }
            if (n > 0) {
                deliver(stream, buffer.asSlice(0, n).toArray(JAVA_BYTE));
            } else {
                Posix.close(fd);
                if (stream == 1) {
                    stdout = -1;
                } else {
                    stderr = -1;
                }
            }
        }

        private void deliver(int stream, byte[] data) {
            try {
                watcher.output(stream, data);
            } catch (RuntimeException e) {
                LOG.warn("mpd: output of pid {} could not be passed on: {}", pid, e.toString());
            }
        }

        /**
         * The process exited: read what it left in the pipes, then report the exit. The reading is bounded: a leftover
         * child that holds the pipes and keeps writing ({@code setsid yes &}) would otherwise keep this one thread, and
         * every job of the mpd with it, here for good; what it writes after is cut off with the pipes.
         */
        void finish(MemorySegment buffer, MemorySegment pipes) throws IOException {
            for (int reads = 0; reads < FINAL_READS && (stdout >= 0 || stderr >= 0); reads++) {
                set(pipes, 0, stdout, Posix.POLLIN);
                set(pipes, 1, stderr, Posix.POLLIN);
                if (Posix.poll(pipes, 2, 0) <= 0) {
                    break;
                }
                if (ready(pipes, 0)) {
                    readOnce(1, buffer);
                }
                if (ready(pipes, 1)) {
                    readOnce(2, buffer);
                }
            }
            try {
                watcher.beforeReap();
            } catch (RuntimeException e) {
                LOG.warn("mpd: the leftovers of pid {} could not be seen to: {}", pid, e.toString());
            }
            int status = Posix.reap(pid);
            closeAll();
            reported = true;
            try {
                watcher.exited(status < 0 ? 0 : status);
            } catch (RuntimeException e) {
                LOG.warn("mpd: exit of pid {} could not be passed on: {}", pid, e.toString());
            }
        }

        boolean done() {
            return reported;
        }

        boolean held() {
            try {
                return watcher.held();
            } catch (RuntimeException e) {
                return false;
            }
        }

        void closeAll() {
            if (stdout >= 0) {
                Posix.close(stdout);
                stdout = -1;
            }
            if (stderr >= 0) {
                Posix.close(stderr);
                stderr = -1;
            }
            if (pidfd >= 0) {
                Posix.close(pidfd);
                pidfd = -1;
            }
        }
    }
}
