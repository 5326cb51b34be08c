package org.sss.lib.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's durable state: one SQLite file in WAL mode with {@code synchronous=FULL}, so a committed
 * transaction survives kill -9 and power loss. Its schema is versioned with {@link Migration}s applied at open.
 * {@link #writeUnsynced} is for the few writes a component can rebuild after a power loss: they survive kill -9
 * but reach the disk only with the next synced commit.
 *
 * <p>Writes go through a {@link GroupCommitter} (one writer thread, group commit); reads use a separate
 * connection (WAL lets them proceed while a write is in progress) and are serialised among themselves.
 * Thread-safe.
 */
public final class SqliteDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private final Path file;
    private final Connection reader;
    private final GroupCommitter writer;

    private SqliteDatabase(Path file, Connection reader, GroupCommitter writer) {
        this.file = file;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * Opens (creating if needed) and migrates a database.
     *
     * @param file       the database file; its directory is created
     * @param migrations the schema's history, in version order
     * @return the open database
     * @throws IOException if the file cannot be opened, or was written by a newer version of the schema
     */
    public static SqliteDatabase open(Path file, List<Migration> migrations) throws IOException {
        Connection writeConnection = null;
        Connection readConnection = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String url = "jdbc:sqlite:" + file.toAbsolutePath();
            writeConnection = DriverManager.getConnection(url);
            configure(writeConnection);
            migrate(file, writeConnection, migrations);
            readConnection = DriverManager.getConnection(url);
            configure(readConnection);
            String name = file.getFileName().toString();
            return new SqliteDatabase(file, readConnection, new GroupCommitter(name, writeConnection));
        } catch (SQLException e) {
            closeQuietly(readConnection);
            closeQuietly(writeConnection);
            throw new IOException("cannot open database " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(readConnection);
            closeQuietly(writeConnection);
            throw e;
        }
    }

    private static void configure(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA synchronous=FULL");
            statement.execute("PRAGMA busy_timeout=10000");
            statement.execute("PRAGMA foreign_keys=ON");
        }
    }

    private static void migrate(Path file, Connection connection, List<Migration> migrations) throws SQLException, IOException {
        int current;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
            current = rs.next() ? rs.getInt(1) : 0;
        }
        int latest = migrations.isEmpty() ? 0 : migrations.getLast().version();
        if (current > latest) {
            throw new IOException("database " + file + " has schema version " + current
                    + ", newer than this program's " + latest + "; use a newer release or another file");
        }
        for (Migration migration : migrations) {
            if (migration.version() <= current) {
                continue;
            }
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : migration.statements()) {
                    statement.execute(sql);
                }
                statement.execute("PRAGMA user_version=" + migration.version());
                connection.commit();
                LOG.info("database {}: migrated to schema version {} ({})", file.getFileName(), migration.version(),
                        migration.description());
            } catch (SQLException e) {
                connection.rollback();
                throw new SQLException("migration to version " + migration.version() + " failed: " + e.getMessage(), e);
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** @return the database file */
    public Path file() {
        return file;
    }

    /** @return the group committer, for its counters */
    public GroupCommitter writer() {
        return writer;
    }

    /**
     * Runs a read-only query on the read connection.
     *
     * @param query the query
     * @param <T>   its result
     * @return the result
     * @throws SQLException if it fails
     */
    public <T> T read(SqlFunction<T> query) throws SQLException {
        synchronized (reader) {
            return query.apply(reader);
        }
    }

    /**
     * Runs a write and waits until it is committed to disk.
     *
     * @param work the write (must not commit)
     * @param <T>  its result
     * @return the result
     * @throws SQLException if the write or its commit failed
     */
    public <T> T write(SqlFunction<T> work) throws SQLException {
        return await(writer.submit(work));
    }

    /**
     * Runs a write and waits until it is committed, but not for the disk (see {@link GroupCommitter#submitUnsynced}):
     * for writes whose loss in a power failure the component repairs by itself.
     *
     * @param work the write (must not commit)
     * @param <T>  its result
     * @return the result
     * @throws SQLException if the write or its commit failed
     */
    public <T> T writeUnsynced(SqlFunction<T> work) throws SQLException {
        return await(writer.submitUnsynced(work));
    }

    private static <T> T await(java.util.concurrent.Future<T> commit) throws SQLException {
        try {
            return commit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a commit", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(String.valueOf(cause), cause);
        }
    }

    /** Finishes queued writes and closes both connections. */
    @Override
    public void close() {
        writer.close();
        synchronized (reader) {
            closeQuietly(reader);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a database connection failed: {}", e.getMessage());
            }
        }
    }
}
