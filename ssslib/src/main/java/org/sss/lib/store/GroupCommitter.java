package org.sss.lib.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises all writes to one database through one thread and commits them in groups.
 *
 * <p>Each submitted write runs inside a savepoint of the current transaction: if it fails, only its own changes
 * are rolled back and only its future fails. Once the queue is drained (or 512 writes are in the group) the
 * transaction commits — one fsync for the group, which is what lets many concurrent writers share the cost of
 * durability — and only then are the futures completed. A write is therefore never reported done before it is
 * on disk. A group made only of {@linkplain #submitUnsynced unsynced} writes commits without the fsync: it is
 * visible and survives the process being killed (the kernel holds it), and reaches the disk with the next synced
 * commit; only a power loss or kernel crash before that can undo it. Thread-safe.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int MAX_GROUP = 512;
    private final Connection connection;
    private final Statement control;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong unsyncedCommits = new AtomicLong();
    private boolean syncing = true;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param name       the database's name, for the thread and logs
     * @param connection the connection to write with; this committer owns it from now on
     * @throws SQLException if the connection cannot be prepared for explicit transactions
     */
    public GroupCommitter(String name, Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(true);
        this.control = connection.createStatement();
        this.thread = Thread.ofPlatform().daemon().name("sss-commit-" + name).start(this::loop);
    }

    /**
     * Queues a write.
     *
     * @param work the write; it runs on the committer's thread inside a transaction and must not commit
     * @param <T>  its result
     * @return completes with the result once the transaction holding it has committed, or exceptionally
     */
    public <T> CompletableFuture<T> submit(SqlFunction<T> work) {
        return enqueue(new Task<>(work, true));
    }

    /**
     * Queues a write that need not wait for the disk: one whose loss in a power failure the component repairs by
     * itself (a record it can rebuild from another component, a mark whose loss only repeats a harmless step).
     *
     * @param work the write; it runs on the committer's thread inside a transaction and must not commit
     * @param <T>  its result
     * @return completes with the result once the transaction holding it has committed (synced or not)
     */
    public <T> CompletableFuture<T> submitUnsynced(SqlFunction<T> work) {
        return enqueue(new Task<>(work, false));
    }

    private <T> CompletableFuture<T> enqueue(Task<T> task) {
        if (closed) {
            task.future.completeExceptionally(new SQLException("database is closed"));
        } else {
            queue.add(task);
        }
        return task.future;
    }

    /** @return transactions committed so far */
    public long commits() {
        return commits.get();
    }

    /** @return commits made without an fsync (groups of unsynced writes only) so far */
    public long unsyncedCommits() {
        return unsyncedCommits.get();
    }

    /** @return writes committed so far */
    public long writes() {
        return writes.get();
    }

    private void loop() {
        List<Task<?>> group = new ArrayList<>(MAX_GROUP);
        while (!closed || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                runGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(group, new SQLException("database writer interrupted"));
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void runGroup(List<Task<?>> group) {
        boolean sync = group.stream().anyMatch(task -> task.durable);
        try {
            syncing(sync);
            control.execute("BEGIN");
        } catch (SQLException e) {
            LOG.error("cannot begin a transaction for {} writes: {}", group.size(), e.getMessage());
            failAll(group, e);
            return;
        }
        List<Task<?>> done = new ArrayList<>(group.size());
        for (Task<?> task : group) {
            try {
                control.execute("SAVEPOINT write");
                try {
                    task.run(connection);
                    control.execute("RELEASE write");
                    done.add(task);
                } catch (SQLException | RuntimeException | Error e) {
                    // An Error too (a write's stack overflow, an assertion): the commit thread must live on, or
                    // every caller waiting for a commit would wait for ever.
                    control.execute("ROLLBACK TO write");
                    control.execute("RELEASE write");
                    task.future.completeExceptionally(e);
                }
            } catch (SQLException e) {
                task.future.completeExceptionally(e);
            }
        }
        try {
            control.execute("COMMIT");
            commits.incrementAndGet();
            if (!sync) {
                unsyncedCommits.incrementAndGet();
            }
            writes.addAndGet(done.size());
            done.forEach(Task::complete);
        } catch (SQLException e) {
            LOG.error("commit of {} writes failed: {}", done.size(), e.getMessage());
            try {
                control.execute("ROLLBACK");
            } catch (SQLException rollback) {
                LOG.error("rollback failed: {}", rollback.getMessage());
            }
            failAll(done, e);
        }
    }

    /**
     * Sets, between transactions, whether commits are followed by an fsync of the log ({@code synchronous=FULL})
     * or not ({@code NORMAL}: still atomic, and durable once a later synced commit or a checkpoint has run).
     */
    private void syncing(boolean sync) throws SQLException {
        if (sync != syncing) {
            control.execute(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            syncing = sync;
        }
    }

    private static void failAll(List<Task<?>> tasks, SQLException e) {
        tasks.forEach(task -> task.future.completeExceptionally(e));
    }

    /** Finishes the queued writes, then stops and closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the write connection failed: {}", e.getMessage());
        }
    }

    /** A queued write and its future. */
    private static final class Task<T> {
        final SqlFunction<T> work;
        final boolean durable;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Task(SqlFunction<T> work, boolean durable) {
            this.work = work;
            this.durable = durable;
        }

        void run(Connection connection) throws SQLException {
            result = work.apply(connection);
        }

        void complete() {
            future.complete(result);
        }
    }
}
