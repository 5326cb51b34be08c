package org.sss.nodestatemanager.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.store.Migration;
import org.sss.lib.store.Outbox;
import org.sss.lib.store.SqliteDatabase;

/**
 * The node state manager's durable state in SQLite (WAL, {@code synchronous=FULL}): the administrators' states
 * (drained, offline) with their reasons, and the outbox of {@code node-state-changed} events. What the ring says is
 * not stored: it is read again at every start. Thread-safe.
 */
public final class NodeStore implements AutoCloseable {
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "administrative node states and the event outbox", List.of(
                    "CREATE TABLE admin_states (name TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL,"
                            + " since_ms INTEGER NOT NULL)",
                    Outbox.CREATE_TABLE)));

    private final SqliteDatabase database;
    private final Outbox outbox;

    private NodeStore(SqliteDatabase database) {
        this.database = database;
        this.outbox = new Outbox(database);
    }

    /**
     * @param file the database file
     * @return the store, created or migrated
     * @throws IOException if it cannot be opened
     */
    public static NodeStore open(Path file) throws IOException {
        return new NodeStore(SqliteDatabase.open(file, MIGRATIONS));
    }

    /** @return the events waiting for the event manager */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * @return the administrative states by node
     * @throws SQLException if they cannot be read
     */
    public Map<String, NodeTable.AdminState> loadAdminStates() throws SQLException {
        return database.read(connection -> {
            Map<String, NodeTable.AdminState> states = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, state, reason, since_ms FROM admin_states ORDER BY name");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getString(1), new NodeTable.AdminState(NodeState.fromXml(rows.getString(2)),
                            rows.getString(3), Instant.ofEpochMilli(rows.getLong(4))));
                }
            }
            return states;
        });
    }

    /**
     * Stores (or, with {@code null}, clears) a node's administrative state with the events it causes, in one
     * transaction.
     *
     * @param name   the node
     * @param state  its new administrative state, or null to clear it
     * @param events what to announce
     * @throws SQLException if it cannot be stored
     */
    public void setAdminState(String name, NodeTable.AdminState state, List<Outbox.Event> events) throws SQLException {
        database.write(connection -> {
            if (state == null) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM admin_states WHERE name = ?")) {
                    delete.setString(1, name);
                    delete.executeUpdate();
                }
            } else {
                try (PreparedStatement upsert = connection.prepareStatement(
                        "INSERT OR REPLACE INTO admin_states (name, state, reason, since_ms) VALUES (?, ?, ?, ?)")) {
                    upsert.setString(1, name);
                    upsert.setString(2, state.state().xmlName());
                    upsert.setString(3, state.reason());
                    upsert.setLong(4, state.since().toEpochMilli());
                    upsert.executeUpdate();
                }
            }
            for (Outbox.Event event : events) {
                Outbox.enqueue(connection, event);
            }
            return null;
        });
    }

    /**
     * @param events what to announce (changes the ring caused)
     * @throws SQLException if they cannot be stored
     */
    public void announce(List<Outbox.Event> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        database.write(connection -> {
            for (Outbox.Event event : events) {
                Outbox.enqueue(connection, event);
            }
            return null;
        });
    }

    @Override
    public void close() {
        database.close();
    }
}
