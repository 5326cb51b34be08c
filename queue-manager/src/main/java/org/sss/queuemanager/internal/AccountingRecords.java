package org.sss.queuemanager.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.store.SqliteDatabase;
import org.sss.lib.util.Words;

/**
 * The queue manager's accounting: one durable record per completed job — who, where, when, how it ended and what it
 * used — written in the transaction that records the job's end and kept when the job leaves the history (nothing
 * prunes it). Read in the order jobs ended. Thread-safe.
 */
public final class AccountingRecords {
    /** The statements of the store's migration that creates the table (and fills it from the completed jobs). */
    static final List<String> MIGRATION = List.of(
            "CREATE TABLE accounting (job_id TEXT PRIMARY KEY, user TEXT NOT NULL, name TEXT NOT NULL,"
                    + " queue TEXT NOT NULL, account TEXT NOT NULL, nodes TEXT NOT NULL, node_count INTEGER NOT NULL,"
                    + " ppn INTEGER NOT NULL, walltime_limit INTEGER NOT NULL, submitted_ms INTEGER NOT NULL,"
                    + " started_ms INTEGER, ended_ms INTEGER NOT NULL, exit_status INTEGER, reason TEXT NOT NULL,"
                    + " runs INTEGER NOT NULL, cpu_ms INTEGER, max_memory INTEGER)",
            "CREATE INDEX accounting_by_end ON accounting (ended_ms)",
            "CREATE INDEX accounting_by_user ON accounting (user, ended_ms)",
            "INSERT INTO accounting SELECT id, user, name, queue, account, allocated, nodes, ppn, walltime, submitted_ms,"
                    + " started_ms, ended_ms, exit_status, reason, runs, NULL, NULL FROM jobs"
                    + " WHERE state = 'completed' AND ended_ms IS NOT NULL");

    private static final String COLUMNS = "job_id, user, name, queue, account, nodes, node_count, ppn, walltime_limit,"
            + " submitted_ms, started_ms, ended_ms, exit_status, reason, runs, cpu_ms, max_memory, qos";

    /**
     * One job's record.
     *
     * @param id            the job
     * @param user          its owner
     * @param name          its name
     * @param queue         its queue
     * @param account       the account it charged (-A), or empty
     * @param nodes         the nodes it ran on (its last run), or empty when it never ran
     * @param nodeCount     nodes asked for
     * @param ppn           processes per node asked for
     * @param walltimeLimit its walltime limit in seconds, 0 for none
     * @param submitted     when it was accepted
     * @param started       when its last run started, or null when it never ran
     * @param ended         when it completed
     * @param exitStatus    its exit status, or null when it never ran
     * @param reason        how it ended when not by exiting 0 on its own; may be empty
     * @param runs          how many times it was started
     * @param usage         what its processes used
     * @param qos           its quality of service, or null for none
     */
    public record Record(String id, String user, String name, String queue, String account, List<String> nodes,
                         int nodeCount, int ppn, long walltimeLimit, Instant submitted, Instant started, Instant ended,
                         Integer exitStatus, String reason, int runs, JobUsage usage, String qos) {
        /** Copies the list. */
        public Record {
            nodes = List.copyOf(nodes);
        }

        /** @return its last run's wall time in milliseconds (0 when it never ran) */
        public long walltimeUsedMillis() {
            return started == null ? 0 : Math.max(0, ended.toEpochMilli() - started.toEpochMilli());
        }
    }

    /**
     * Which records to read.
     *
     * @param job   only this job's, or null for any
     * @param user  only this user's, or null for everyone's
     * @param since only jobs that ended at or after it, or null
     * @param until only jobs that ended before it, or null
     * @param limit at most this many, the most recent ones
     */
    public record Query(String job, String user, Instant since, Instant until, int limit) {
    }

    private final SqliteDatabase database;

    AccountingRecords(SqliteDatabase database) {
        this.database = database;
    }

    /** Writes a completed job's record, in the transaction that records its end. */
    static void write(Connection connection, Job job) throws SQLException {
        Job.JobSpec spec = job.spec();
        try (PreparedStatement statement = connection.prepareStatement("INSERT OR REPLACE INTO accounting (" + COLUMNS
                + ") VALUES (" + "?, ".repeat(17) + "?)")) {
            int i = 1;
            statement.setString(i++, job.id());
            statement.setString(i++, spec.user());
            statement.setString(i++, spec.name());
            statement.setString(i++, spec.queue());
            statement.setString(i++, spec.account());
            statement.setString(i++, String.join(" ", job.allocated()));
            statement.setInt(i++, spec.nodes());
            statement.setInt(i++, spec.ppn());
            statement.setLong(i++, spec.walltime());
            statement.setLong(i++, job.submitted().toEpochMilli());
            JobStore.setLong(statement, i++, job.started() == null ? null : job.started().toEpochMilli());
            statement.setLong(i++, (job.ended() == null ? Instant.now() : job.ended()).toEpochMilli());
            JobStore.setLong(statement, i++, job.exitStatus() == null ? null : Long.valueOf(job.exitStatus()));
            statement.setString(i++, job.reason());
            statement.setInt(i++, job.runs());
            JobStore.setLong(statement, i++, job.usage().cpuMillis());
            JobStore.setLong(statement, i++, job.usage().maxMemoryBytes());
            statement.setString(i, spec.qos());
            statement.executeUpdate();
        }
    }

    /**
     * @return the highest job number with a record (an array's elements count by their array's number), 0 if none:
     *         records are never pruned, so no later job may take a number below it
     * @throws SQLException if it cannot be read
     */
    public long highestJobNumber() throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT MAX(CAST(job_id AS INTEGER)) FROM accounting");
                 java.sql.ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /**
     * @param query which records
     * @return them, in the order their jobs ended
     * @throws SQLException if they cannot be read
     */
    public List<Record> read(Query query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM accounting WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        String job = query.job() == null ? "*" : query.job().replaceFirst("\\..*$", ""); // 17.host is 17
        if (job.endsWith("[]")) {
            sql.append(" AND job_id LIKE ?"); // every element of array 17: 17[1], 17[2], ...
            values.add(job.substring(0, job.length() - 1) + "%");
        } else if (!job.equals("*")) {
            sql.append(" AND job_id = ?");
            values.add(job);
        }
        if (query.user() != null) {
            sql.append(" AND user = ?");
            values.add(query.user());
        }
        if (query.since() != null) {
            sql.append(" AND ended_ms >= ?");
            values.add(query.since().toEpochMilli());
        }
        if (query.until() != null) {
            sql.append(" AND ended_ms < ?");
            values.add(query.until().toEpochMilli());
        }
        sql.append(" ORDER BY ended_ms DESC, job_id DESC LIMIT ?");
        values.add(query.limit());
        List<Record> records = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < values.size(); i++) {
                    statement.setObject(i + 1, values.get(i));
                }
                List<Record> found = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        found.add(read(rs));
                    }
                }
                return found;
            }
        });
        return records.reversed();
    }

    private static Record read(ResultSet rs) throws SQLException {
        String nodes = rs.getString("nodes");
        return new Record(rs.getString("job_id"), rs.getString("user"), rs.getString("name"), rs.getString("queue"),
                rs.getString("account"), Words.list(nodes), rs.getInt("node_count"),
                rs.getInt("ppn"), rs.getLong("walltime_limit"), Instant.ofEpochMilli(rs.getLong("submitted_ms")),
                JobStore.instant(rs, "started_ms"), Instant.ofEpochMilli(rs.getLong("ended_ms")),
                JobStore.integer(rs, "exit_status"), rs.getString("reason"), rs.getInt("runs"),
                new JobUsage(JobStore.longOrNull(rs, "cpu_ms"), JobStore.longOrNull(rs, "max_memory")),
                rs.getString("qos"));
    }
}
