package org.sss.processmanager.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.store.Migration;
import org.sss.lib.store.Outbox;
import org.sss.lib.store.SqliteDatabase;

/**
 * The process manager's durable state, in one SQLite database: every process group it acknowledged (recorded once
 * its job runs on the ring, before the creator is answered), each group's end with its ranks' exit statuses and its
 * collected output, and an outbox of events not yet accepted by the event manager. Every method returns only after
 * its transaction is committed to disk. Thread-safe.
 */
public final class GroupStore implements AutoCloseable {
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "process groups, their processes and the event outbox", List.of(
                    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
                    "INSERT INTO counters (name, value) VALUES ('pgid', 0)",
                    "CREATE TABLE groups (pgid TEXT PRIMARY KEY, number INTEGER NOT NULL, submitter TEXT NOT NULL,"
                            + " creator TEXT NOT NULL, totalprocs INTEGER NOT NULL, output_mode TEXT NOT NULL,"
                            + " request BLOB NOT NULL, state TEXT NOT NULL, jid TEXT NOT NULL, tag TEXT NOT NULL,"
                            + " exit_status INTEGER, reason TEXT,"
                            + " created_ms INTEGER NOT NULL, ended_ms INTEGER, stdout BLOB, stderr BLOB,"
                            + " stdout_truncated INTEGER NOT NULL DEFAULT 0, stderr_truncated INTEGER NOT NULL DEFAULT 0,"
                            + " released INTEGER NOT NULL DEFAULT 0)",
                    "CREATE TABLE processes (pgid TEXT NOT NULL REFERENCES groups(pgid) ON DELETE CASCADE,"
                            + " rank INTEGER NOT NULL, host TEXT, pid INTEGER NOT NULL, status INTEGER NOT NULL,"
                            + " signal INTEGER NOT NULL, PRIMARY KEY (pgid, rank))",
                    "CREATE TABLE coprocesses (pgid TEXT NOT NULL REFERENCES groups(pgid) ON DELETE CASCADE,"
                            + " host TEXT NOT NULL, exec TEXT NOT NULL, pid INTEGER NOT NULL, status INTEGER,"
                            + " reason TEXT)",
                    Outbox.CREATE_TABLE)),
            new Migration(2, "what each ended group's processes used, as the ring's control groups measured it", List.of(
                    "ALTER TABLE groups ADD COLUMN cpu_ns INTEGER",
                    "ALTER TABLE groups ADD COLUMN peak_bytes INTEGER")));

    private final SqliteDatabase database;
    private final Outbox outbox;

    private GroupStore(SqliteDatabase database) {
        this.database = database;
        this.outbox = new Outbox(database);
    }

    /**
     * @param file the database file
     * @return the open store
     * @throws IOException if it cannot be opened or migrated
     */
    public static GroupStore open(Path file) throws IOException {
        return new GroupStore(SqliteDatabase.open(file, MIGRATIONS));
    }



    /**
     * What is known of a group when it is created.
     *
     * @param pgid        its pgid
     * @param submitter   whom it belongs to
     * @param creator     the principal that created it
     * @param totalprocs  its size
     * @param outputMode  label, merged or discard
     * @param request     the create-process-group request as received (XML)
     * @param created     when
     */
    public record NewGroup(String pgid, String submitter, String creator, int totalprocs, String outputMode, byte[] request,
                           Instant created) {
    }

    /**
     * How one rank ended.
     *
     * @param rank   the rank
     * @param host   its host
     * @param pid    its pid (0 if it never started)
     * @param status its exit status
     * @param signal the signal that ended it, or 0
     */
    public record ProcessEnd(int rank, String host, int pid, int status, int signal) {
    }

    /**
     * A co-process as last known.
     *
     * @param host   its host
     * @param exec   its program
     * @param pid    its pid, 0 if it did not start
     * @param status its exit status, or null while it runs
     * @param reason why it failed, or null
     */
    public record CoProcessRecord(String host, String exec, int pid, Integer status, String reason) {
    }

    /**
     * A group's end.
     *
     * @param pgid            the group
     * @param exitStatus      its exit status
     * @param reason          why, or null
     * @param ended           when
     * @param processes       every rank's end
     * @param coProcesses     its co-processes
     * @param stdout          collected output
     * @param stderr          collected error output
     * @param stdoutTruncated whether output was dropped
     * @param stderrTruncated whether error output was dropped
     * @param usage           what its processes used as the ring measured it, or null
     */
    public record GroupEnd(String pgid, int exitStatus, String reason, Instant ended, List<ProcessEnd> processes,
                           List<CoProcessRecord> coProcesses, byte[] stdout, byte[] stderr, boolean stdoutTruncated,
                           boolean stderrTruncated, org.sss.mpd.client.JobEvent.Usage usage) {
        /**
         * An end nothing measured.
         *
         * @param pgid            the group
         * @param exitStatus      its exit status
         * @param reason          why, or null
         * @param ended           when
         * @param processes       every rank's end
         * @param coProcesses     its co-processes
         * @param stdout          collected output
         * @param stderr          collected error output
         * @param stdoutTruncated whether output was dropped
         * @param stderrTruncated whether error output was dropped
         */
        public GroupEnd(String pgid, int exitStatus, String reason, Instant ended, List<ProcessEnd> processes,
                        List<CoProcessRecord> coProcesses, byte[] stdout, byte[] stderr, boolean stdoutTruncated,
                        boolean stderrTruncated) {
            this(pgid, exitStatus, reason, ended, processes, coProcesses, stdout, stderr, stdoutTruncated, stderrTruncated,
                    null);
        }
    }

    /**
     * A group as stored.
     *
     * @param group    what was known at creation
     * @param pgid     its pgid
     * @param number   its creation order
     * @param state    running or ended
     * @param jid      its job on the ring
     * @param tag      its job's tag on the ring
     * @param end      its end, or null while it runs
     * @param released whether the ring was told to forget it
     */
    public record StoredGroup(NewGroup group, String pgid, long number, String state, String jid, String tag, GroupEnd end,
                              boolean released) {
    }

    /**
     * @return the highest creation number recorded so far (a recorded number is never handed out again)
     * @throws SQLException if it cannot be read
     */
    public long lastNumber() throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT value FROM counters WHERE name = 'pgid'");
                 ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Records a group about to be launched (state {@code starting}, no job yet), before its job is sent to the ring:
     * a process manager killed between the launch and {@link #markLaunched} finds it again by its tag.
     *
     * @param group  the group
     * @param number its creation number
     * @param tag    the tag its job will carry
     * @throws SQLException if it cannot be written, or the pgid exists (SQLState 23xxx)
     */
    public void insertStarting(NewGroup group, long number, String tag) throws SQLException {
        database.write(connection -> {
            insertRow(connection, group, number, "starting", "", tag);
            return null;
        });
    }

    /**
     * Records that a starting group's job runs on the ring, with the event announcing it. The commit does not wait
     * for the disk: if a power loss undoes it, the group is found as {@code starting} and its job by its tag (as after
     * a kill between the launch and this call), and the event is made again. Any later synced commit (the group's
     * end) carries it to disk first.
     *
     * @param pgid the group
     * @param jid  its job
     * @throws SQLException if it cannot be written
     */
    public void markLaunched(String pgid, String jid) throws SQLException {
        database.writeUnsynced(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE groups SET state = 'running', jid = ? WHERE pgid = ? AND state = 'starting'")) {
                update.setString(1, jid);
                update.setString(2, pgid);
                update.executeUpdate();
            }
            return null;
        });
    }

    private static void insertRow(java.sql.Connection connection, NewGroup group, long number, String state, String jid,
                                  String tag) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO groups (pgid, number, submitter, creator,"
                + " totalprocs, output_mode, request, state, jid, tag, created_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, group.pgid());
            insert.setLong(2, number);
            insert.setString(3, group.submitter());
            insert.setString(4, group.creator());
            insert.setInt(5, group.totalprocs());
            insert.setString(6, group.outputMode());
            insert.setBytes(7, group.request());
            insert.setString(8, state);
            insert.setString(9, jid);
            insert.setString(10, tag);
            insert.setLong(11, group.created().toEpochMilli());
            insert.executeUpdate();
        }
        try (PreparedStatement counter = connection.prepareStatement(
                "UPDATE counters SET value = max(value, ?) WHERE name = 'pgid'")) {
            counter.setLong(1, number);
            counter.executeUpdate();
        }
    }

    /**
     * Records a group's end with everything wait-process-group returns, and the event announcing it.
     *
     * @param end   the end
     * @param event the event
     * @throws SQLException if it cannot be written
     */
    public void recordEnd(GroupEnd end, Outbox.Event event) throws SQLException {
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE groups SET state = 'ended', exit_status = ?,"
                    + " reason = ?, ended_ms = ?, stdout = ?, stderr = ?, stdout_truncated = ?, stderr_truncated = ?,"
                    + " cpu_ns = ?, peak_bytes = ? WHERE pgid = ?")) {
                update.setInt(1, end.exitStatus());
                update.setString(2, end.reason());
                update.setLong(3, end.ended().toEpochMilli());
                update.setBytes(4, end.stdout());
                update.setBytes(5, end.stderr());
                update.setInt(6, end.stdoutTruncated() ? 1 : 0);
                update.setInt(7, end.stderrTruncated() ? 1 : 0);
                update.setObject(8, end.usage() == null ? null : end.usage().cpuNanos());
                update.setObject(9, end.usage() == null ? null : end.usage().peakBytes());
                update.setString(10, end.pgid());
                update.executeUpdate();
            }
            try (PreparedStatement clear = connection.prepareStatement("DELETE FROM processes WHERE pgid = ?")) {
                clear.setString(1, end.pgid());
                clear.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO processes (pgid, rank, host, pid, status, signal) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (ProcessEnd process : end.processes()) {
                    insert.setString(1, end.pgid());
                    insert.setInt(2, process.rank());
                    insert.setString(3, process.host());
                    insert.setInt(4, process.pid());
                    insert.setInt(5, process.status());
                    insert.setInt(6, process.signal());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement clear = connection.prepareStatement("DELETE FROM coprocesses WHERE pgid = ?")) {
                clear.setString(1, end.pgid());
                clear.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO coprocesses (pgid, host, exec, pid, status, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (CoProcessRecord co : end.coProcesses()) {
                    insert.setString(1, end.pgid());
                    insert.setString(2, co.host());
                    insert.setString(3, co.exec());
                    insert.setInt(4, co.pid());
                    if (co.status() == null) {
                        insert.setNull(5, Types.INTEGER);
                    } else {
                        insert.setInt(5, co.status());
                    }
                    insert.setString(6, co.reason());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            Outbox.enqueue(connection, event);
            return null;
        });
    }

    /**
     * Records that the ring was told to forget a group's job; not waiting for the disk (if a power loss undoes it,
     * the release is asked again at the next start, and the ring no longer knows the job).
     *
     * @param pgid a group whose job the ring was told to forget
     * @throws SQLException if it cannot be written
     */
    public void markReleased(String pgid) throws SQLException {
        database.writeUnsynced(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE groups SET released = 1 WHERE pgid = ?")) {
                update.setString(1, pgid);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Forgets groups, all in one commit that waits for the disk: once this returns their deletion survives a power
     * loss, so it may be acknowledged. Deleting many costs one wait.
     *
     * @param pgids the groups (none: nothing is written)
     * @throws SQLException if it cannot be written (then none is forgotten)
     */
    public void delete(Collection<String> pgids) throws SQLException {
        if (pgids.isEmpty()) {
            return;
        }
        database.write(connection -> {
            for (String table : List.of("processes", "coprocesses", "groups")) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE pgid = ?")) {
                    for (String pgid : pgids) {
                        delete.setString(1, pgid);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
            }
            return null;
        });
    }

    /** @return the outbox of events not yet accepted by the event manager */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * @return every stored group, in creation order
     * @throws SQLException if they cannot be read
     */
    public List<StoredGroup> loadAll() throws SQLException {
        return database.read(connection -> {
            Map<String, List<ProcessEnd>> processes = new LinkedHashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT pgid, rank, host, pid, status, signal FROM processes ORDER BY pgid, rank");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    processes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new ProcessEnd(rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)));
                }
            }
            Map<String, List<CoProcessRecord>> coProcesses = new LinkedHashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT pgid, host, exec, pid, status, reason FROM coprocesses");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(5);
                    coProcesses.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new CoProcessRecord(
                            rs.getString(2), rs.getString(3), rs.getInt(4), rs.wasNull() ? null : status, rs.getString(6)));
                }
            }
            List<StoredGroup> groups = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT pgid, number, submitter, creator, totalprocs,"
                    + " output_mode, request, state, jid, exit_status, reason, created_ms, ended_ms, stdout, stderr,"
                    + " stdout_truncated, stderr_truncated, released, tag, cpu_ns, peak_bytes FROM groups ORDER BY number");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String pgid = rs.getString(1);
                    NewGroup group = new NewGroup(pgid, rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                            rs.getBytes(7), Instant.ofEpochMilli(rs.getLong(12)));
                    String state = rs.getString(8);
                    GroupEnd end = null;
                    if (state.equals("ended")) {
                        end = new GroupEnd(pgid, rs.getInt(10), rs.getString(11), Instant.ofEpochMilli(rs.getLong(13)),
                                processes.getOrDefault(pgid, List.of()), coProcesses.getOrDefault(pgid, List.of()),
                                orEmpty(rs.getBytes(14)), orEmpty(rs.getBytes(15)), rs.getInt(16) != 0, rs.getInt(17) != 0,
                                usage(rs));
                    }
                    groups.add(new StoredGroup(group, pgid, rs.getLong(2), state, rs.getString(9), rs.getString(19), end,
                            rs.getInt(18) != 0));
                }
            }
            return groups;
        });
    }

    private static org.sss.mpd.client.JobEvent.Usage usage(ResultSet rs) throws SQLException {
        long cpu = rs.getLong(20);
        if (rs.wasNull()) {
            return null;
        }
        return new org.sss.mpd.client.JobEvent.Usage(cpu, rs.getLong(21));
    }

    private static byte[] orEmpty(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    @Override
    public void close() {
        database.close();
    }
}
