package org.sss.queuemanager.internal;

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
import org.sss.lib.util.Words;

/**
 * The queue manager's durable state in SQLite (WAL, {@code synchronous=FULL}, versioned schema): every job with
 * its script and environment, and the outbox of events for the event manager. Every write returns only after its
 * transaction is committed to disk; concurrent writers share commits (group commit), so many submits share one
 * fsync. A change and the event announcing it are committed together. Thread-safe.
 */
public final class JobStore implements AutoCloseable {
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "jobs, their environments and the event outbox", List.of(
                    "CREATE TABLE jobs (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, array_index INTEGER,"
                            + " user TEXT NOT NULL, name TEXT NOT NULL, queue TEXT NOT NULL, nodes INTEGER NOT NULL,"
                            + " ppn INTEGER NOT NULL, walltime INTEGER NOT NULL, priority INTEGER NOT NULL,"
                            + " account TEXT NOT NULL, workdir TEXT NOT NULL, submit_host TEXT NOT NULL,"
                            + " script_name TEXT NOT NULL, script TEXT NOT NULL, output_path TEXT NOT NULL,"
                            + " error_path TEXT NOT NULL, join_mode TEXT NOT NULL, depend TEXT NOT NULL,"
                            + " mail_events TEXT NOT NULL, mail_users TEXT NOT NULL, state TEXT NOT NULL,"
                            + " held INTEGER NOT NULL, submitted_ms INTEGER NOT NULL, started_ms INTEGER,"
                            + " ended_ms INTEGER, allocated TEXT NOT NULL, pgid TEXT, exit_status INTEGER,"
                            + " reason TEXT NOT NULL, runs INTEGER NOT NULL)",
                    "CREATE INDEX jobs_by_seq ON jobs (seq, array_index)",
                    "CREATE TABLE job_env (job_id TEXT NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL,"
                            + " value TEXT NOT NULL, PRIMARY KEY (job_id, pos))",
                    Outbox.CREATE_TABLE)),
            new Migration(2, "how far the queue manager has read the events it subscribes to", List.of(
                    "CREATE TABLE event_cursor (name TEXT PRIMARY KEY, seq INTEGER NOT NULL)")),
            new Migration(3, "jobs' memory and CPU-time limits and usage, and the accounting records",
                    java.util.stream.Stream.concat(java.util.stream.Stream.of(
                            "ALTER TABLE jobs ADD COLUMN mem_limit INTEGER NOT NULL DEFAULT 0",
                            "ALTER TABLE jobs ADD COLUMN pmem_limit INTEGER NOT NULL DEFAULT 0",
                            "ALTER TABLE jobs ADD COLUMN vmem_limit INTEGER NOT NULL DEFAULT 0",
                            "ALTER TABLE jobs ADD COLUMN cput_limit INTEGER NOT NULL DEFAULT 0",
                            "ALTER TABLE jobs ADD COLUMN cpu_ms INTEGER",
                            "ALTER TABLE jobs ADD COLUMN max_memory INTEGER"),
                            AccountingRecords.MIGRATION.stream()).toList()),
            new Migration(4, "ended groups the process manager is still to be told to forget", List.of(
                    "CREATE TABLE group_releases (pgid TEXT PRIMARY KEY)")),
            new Migration(5, "the most elements of an array that may run at once", List.of(
                    "ALTER TABLE jobs ADD COLUMN array_limit INTEGER")),
            new Migration(6, "the time before which a job does not start", List.of(
                    "ALTER TABLE jobs ADD COLUMN begin_ms INTEGER")),
            new Migration(7, "the nodes a job must be given and must not be given", List.of(
                    "ALTER TABLE jobs ADD COLUMN required_nodes TEXT",
                    "ALTER TABLE jobs ADD COLUMN excluded_nodes TEXT")),
            new Migration(8, "the signal a job gets before its walltime ends", List.of(
                    "ALTER TABLE jobs ADD COLUMN end_signal TEXT")),
            new Migration(9, "the features every node of a job must have", List.of(
                    "ALTER TABLE jobs ADD COLUMN node_features TEXT")),
            new Migration(10, "the GPUs every node of a job must have", List.of(
                    "ALTER TABLE jobs ADD COLUMN node_gpus INTEGER NOT NULL DEFAULT 0")),
            new Migration(11, "the advance reservation a job runs in", List.of(
                    "ALTER TABLE jobs ADD COLUMN reservation TEXT")),
            new Migration(12, "whether a job may be requeued once it has run", List.of(
                    "ALTER TABLE jobs ADD COLUMN rerunnable INTEGER NOT NULL DEFAULT 1")),
            new Migration(13, "the quality of service a job has", List.of(
                    "ALTER TABLE jobs ADD COLUMN qos TEXT")),
            new Migration(14, "the quality of service in a job's accounting record", List.of(
                    "ALTER TABLE accounting ADD COLUMN qos TEXT",
                    "UPDATE accounting SET qos = (SELECT qos FROM jobs WHERE jobs.id = accounting.job_id)")));

    private static final String COLUMNS = "id, seq, array_index, user, name, queue, nodes, ppn, walltime, priority,"
            + " account, workdir, submit_host, script_name, script, output_path, error_path, join_mode, depend,"
            + " mail_events, mail_users, state, held, submitted_ms, started_ms, ended_ms, allocated, pgid, exit_status,"
            + " reason, runs, mem_limit, pmem_limit, vmem_limit, cput_limit, cpu_ms, max_memory, array_limit, begin_ms,"
            + " required_nodes, excluded_nodes, end_signal, node_features,"
            + " node_gpus, reservation, rerunnable, qos";
    private static final String PLACES = "?, ".repeat(46) + "?";

    private final SqliteDatabase database;
    private final Outbox outbox;

    private JobStore(SqliteDatabase database) {
        this.database = database;
        this.outbox = new Outbox(database);
    }

    /**
     * Opens (creating or migrating) the store.
     *
     * @param file the database file
     * @return the store
     * @throws IOException if it cannot be opened
     */
    public static JobStore open(Path file) throws IOException {
        return new JobStore(SqliteDatabase.open(file, MIGRATIONS));
    }

    /**
     * @param name a subscription
     * @return the sequence number of the last of its events the queue manager has taken in (0: none yet)
     * @throws SQLException if it cannot be read
     */
    public long cursor(String name) throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT seq FROM event_cursor WHERE name = ?")) {
                query.setString(1, name);
                try (java.sql.ResultSet rs = query.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * Records how far a subscription's events have been taken in, without waiting for the disk: a cursor that falls
     * behind only means some events are taken in again, which changes nothing a second time.
     *
     * @param name a subscription
     * @param seq  the sequence number of its last event taken in
     */
    public void saveCursorLater(String name, long seq) {
        database.writer().submitUnsynced(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO event_cursor (name, seq) VALUES (?, ?)"
                    + " ON CONFLICT(name) DO UPDATE SET seq = MAX(seq, excluded.seq)")) {
                upsert.setString(1, name);
                upsert.setLong(2, seq);
                return upsert.executeUpdate();
            }
        });
    }

    /** @return the accounting records of completed jobs */
    public AccountingRecords accounting() {
        return new AccountingRecords(database);
    }

    /** @return the events waiting for the event manager */
    public Outbox outbox() {
        return outbox;
    }

    /** @return the number of commits so far (for the group-commit figures) */
    public long commits() {
        return database.writer().commits();
    }

    /** @return commits made without waiting for the disk so far (job ends, outbox clean-ups) */
    public long unsyncedCommits() {
        return database.writer().unsyncedCommits();
    }

    /**
     * Stores new jobs and their events in one transaction.
     *
     * @param jobs   the jobs
     * @param events what to announce
     * @throws SQLException if they cannot be stored
     */
    public void insert(List<Job> jobs, List<Outbox.Event> events) throws SQLException {
        database.write(connection -> {
            for (Job job : jobs) {
                write(connection, job, "INSERT INTO jobs (" + COLUMNS + ") VALUES (" + PLACES + ")");
                try (PreparedStatement env = connection.prepareStatement(
                        "INSERT INTO job_env (job_id, pos, name, value) VALUES (?, ?, ?, ?)")) {
                    int pos = 0;
                    for (Map.Entry<String, String> variable : job.spec().environment().entrySet()) {
                        env.setString(1, job.id());
                        env.setInt(2, pos++);
                        env.setString(3, variable.getKey());
                        env.setString(4, variable.getValue());
                        env.addBatch();
                    }
                    env.executeBatch();
                }
            }
            for (Outbox.Event event : events) {
                Outbox.enqueue(connection, event);
            }
            return null;
        });
    }

    /**
     * Replaces stored jobs (not their environments) and stores their events, in one transaction.
     *
     * @param jobs   the jobs as they are now
     * @param events what to announce, possibly none
     * @throws SQLException if they cannot be stored
     */
    public void update(Collection<Job> jobs, List<Outbox.Event> events) throws SQLException {
        database.write(connection -> replace(connection, jobs, events));
    }

    private Void replace(java.sql.Connection connection, Collection<Job> jobs, List<Outbox.Event> events) throws SQLException {
        for (Job job : jobs) {
            if (!job.holdsNodes()) {
                releaseHeldGroup(connection, job.id());
            }
            write(connection, job, "INSERT OR REPLACE INTO jobs (" + COLUMNS + ") VALUES (" + PLACES + ")");
            if (job.isCompleted()) {
                AccountingRecords.write(connection, job);
            }
        }
        for (Outbox.Event event : events) {
            Outbox.enqueue(connection, event);
        }
        return null;
    }

    /**
     * Notes, in the transaction that records a job no longer holding its nodes, the group its stored row ran in, if
     * the row held nodes: the process manager keeps that group until told, and the telling must survive a crash.
     */
    private static void releaseHeldGroup(Connection connection, String id) throws SQLException {
        try (PreparedStatement held = connection.prepareStatement("INSERT OR IGNORE INTO group_releases (pgid)"
                + " SELECT pgid FROM jobs WHERE id = ? AND pgid IS NOT NULL AND state IN (?, ?)")) {
            held.setString(1, id);
            held.setString(2, Job.State.RUNNING.xmlName());
            held.setString(3, Job.State.EXITING.xmlName());
            held.executeUpdate();
        }
    }

    /**
     * @return the ended groups recorded as released whose forgetting the process manager has not acknowledged
     * @throws SQLException if they cannot be read
     */
    public List<String> pendingReleases() throws SQLException {
        return database.read(connection -> {
            List<String> pgids = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT pgid FROM group_releases ORDER BY rowid");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    pgids.add(rs.getString(1));
                }
            }
            return pgids;
        });
    }

    /**
     * Forgets released groups the process manager has forgotten, without waiting for the disk: one that comes back
     * after a crash is only named to the process manager again, which changes nothing.
     *
     * @param pgids the groups
     */
    public void releasedLater(Collection<String> pgids) {
        database.writer().submitUnsynced(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM group_releases WHERE pgid = ?")) {
                for (String pgid : pgids) {
                    delete.setString(1, pgid);
                    delete.addBatch();
                }
                return delete.executeBatch().length;
            }
        });
    }

    /**
     * Forgets jobs (completed ones past their history).
     *
     * @param ids the jobs
     * @throws SQLException if they cannot be removed
     */
    public void delete(Collection<String> ids) throws SQLException {
        database.write(connection -> {
            try (PreparedStatement jobs = connection.prepareStatement("DELETE FROM jobs WHERE id = ?");
                 PreparedStatement env = connection.prepareStatement("DELETE FROM job_env WHERE job_id = ?")) {
                for (String id : ids) {
                    jobs.setString(1, id);
                    jobs.addBatch();
                    env.setString(1, id);
                    env.addBatch();
                }
                jobs.executeBatch();
                env.executeBatch();
            }
            return null;
        });
    }

    /**
     * @return every stored job, in submission order
     * @throws SQLException if they cannot be read
     */
    public List<Job> loadAll() throws SQLException {
        return database.read(connection -> {
            Map<String, Map<String, String>> environments = new LinkedHashMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT job_id, name, value FROM job_env ORDER BY job_id, pos");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    environments.computeIfAbsent(rs.getString(1), id -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
            List<Job> jobs = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM jobs ORDER BY seq, array_index");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    jobs.add(read(rs, environments.getOrDefault(rs.getString(1), Map.of())));
                }
            }
            return jobs;
        });
    }

    /** @return the hold a row's {@code held} column stands for (an unknown value, from a later release: a user's) */
    private static Job.Hold holdOf(int held) {
        return held <= 0 ? Job.Hold.NONE : held == Job.Hold.OPERATOR.ordinal() ? Job.Hold.OPERATOR : Job.Hold.USER;
    }

    private static void write(Connection connection, Job job, String sql) throws SQLException {
        Job.JobSpec spec = job.spec();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int i = 1;
            statement.setString(i++, job.id());
            statement.setLong(i++, job.sequence());
            setInteger(statement, i++, job.arrayIndex());
            statement.setString(i++, spec.user());
            statement.setString(i++, spec.name());
            statement.setString(i++, spec.queue());
            statement.setInt(i++, spec.nodes());
            statement.setInt(i++, spec.ppn());
            statement.setLong(i++, spec.walltime());
            statement.setInt(i++, spec.priority());
            statement.setString(i++, spec.account());
            statement.setString(i++, spec.workdir());
            statement.setString(i++, spec.submitHost());
            statement.setString(i++, spec.scriptName());
            statement.setString(i++, spec.script());
            statement.setString(i++, spec.outputPath());
            statement.setString(i++, spec.errorPath());
            statement.setString(i++, spec.join());
            statement.setString(i++, spec.depend());
            statement.setString(i++, spec.mailEvents());
            statement.setString(i++, spec.mailUsers());
            statement.setString(i++, job.state().xmlName());
            statement.setInt(i++, job.hold().ordinal()); // 0 none, 1 a user's, 2 an administrator's (before: 0 or 1)
            statement.setLong(i++, job.submitted().toEpochMilli());
            setInstant(statement, i++, job.started());
            setInstant(statement, i++, job.ended());
            statement.setString(i++, String.join(" ", job.allocated()));
            statement.setString(i++, job.pgid());
            setInteger(statement, i++, job.exitStatus());
            statement.setString(i++, job.reason());
            statement.setInt(i++, job.runs());
            statement.setLong(i++, spec.limits().memory());
            statement.setLong(i++, spec.limits().processMemory());
            statement.setLong(i++, spec.limits().virtualMemory());
            statement.setLong(i++, spec.limits().cpuSeconds());
            setLong(statement, i++, job.usage().cpuMillis());
            setLong(statement, i++, job.usage().maxMemoryBytes());
            setInteger(statement, i++, spec.arrayLimit());
            setInstant(statement, i++, spec.begin());
            statement.setString(i++, NodeChoice.stored(spec.nodeChoice().required()));
            statement.setString(i++, NodeChoice.stored(spec.nodeChoice().excluded()));
            statement.setString(i++, spec.endSignal() == null ? null : spec.endSignal().toString());
            statement.setString(i++, NodeChoice.stored(spec.nodeChoice().features()));
            statement.setInt(i++, spec.nodeChoice().gpus());
            statement.setString(i++, spec.reservation());
            statement.setInt(i++, spec.rerunnable() ? 1 : 0);
            statement.setString(i, spec.qos());
            statement.executeUpdate();
        }
    }

    private static Job read(ResultSet rs, Map<String, String> environment) throws SQLException {
        Job.JobSpec spec = new Job.JobSpec(rs.getString("user"), rs.getString("name"), rs.getString("queue"),
                rs.getInt("nodes"), rs.getInt("ppn"), rs.getLong("walltime"), rs.getInt("priority"),
                rs.getString("account"), rs.getString("workdir"), rs.getString("submit_host"), rs.getString("script_name"),
                rs.getString("script"), rs.getString("output_path"), rs.getString("error_path"), rs.getString("join_mode"),
                rs.getString("depend"), rs.getString("mail_events"), rs.getString("mail_users"), environment,
                new JobLimits(rs.getLong("mem_limit"), rs.getLong("pmem_limit"), rs.getLong("vmem_limit"),
                        rs.getLong("cput_limit")), integer(rs, "array_limit"), instant(rs, "begin_ms"),
                NodeChoice.ofStored(rs.getString("required_nodes"), rs.getString("excluded_nodes"),
                        rs.getString("node_features"), rs.getInt("node_gpus")),
                org.sss.queuemanager.internal.pbs.EndSignal.ofStored(rs.getString("end_signal")),
                rs.getString("reservation"), rs.getInt("rerunnable") != 0, rs.getString("qos"));
        String allocated = rs.getString("allocated");
        return new Job(rs.getString("id"), rs.getLong("seq"), integer(rs, "array_index"), spec,
                Job.State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)), holdOf(rs.getInt("held")),
                Instant.ofEpochMilli(rs.getLong("submitted_ms")), instant(rs, "started_ms"), instant(rs, "ended_ms"),
                Words.list(allocated), rs.getString("pgid"),
                integer(rs, "exit_status"), rs.getString("reason"), rs.getInt("runs"),
                new JobUsage(longOrNull(rs, "cpu_ms"), longOrNull(rs, "max_memory")));
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value.toEpochMilli());
        }
    }

    /** Shared with {@link AccountingRecords}: nullable columns. */
    static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value);
        }
    }

    /** Shared with {@link AccountingRecords}: nullable columns. */
    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** Shared with {@link AccountingRecords}: nullable columns. */
    static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /** Shared with {@link AccountingRecords}: nullable columns. */
    static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    @Override
    public void close() {
        database.close();
    }
}
