package org.sss.lib.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.EventXml;
import org.sss.schema.EventType;

/**
 * A component's events that the event manager has not accepted yet, kept in the component's own database so an
 * event is committed in the same transaction as the change it announces (the transactional outbox). Each is kept as
 * its validated XML ({@link EventXml}), typed payload included. The table is
 * created by the component's migrations with {@link #CREATE_TABLE}; events are added with {@link #enqueue} inside
 * the caller's transaction, read oldest first with {@link #pending} and removed with {@link #publishedUpTo} once
 * the event manager has logged them ({@link org.sss.lib.runtime.OutboxSender} does both).
 */
public final class Outbox {
    /** The table's definition, for a component's migration. */
    public static final String CREATE_TABLE = "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " time_ms INTEGER NOT NULL, msg TEXT NOT NULL, data TEXT NOT NULL)";

    private final SqliteDatabase database;

    /**
     * An event to publish, typed (built with {@link org.sss.lib.runtime.Events}).
     *
     * @param event the event
     */
    public record Event(EventType event) {
        /** Requires an event with a name. */
        public Event {
            java.util.Objects.requireNonNull(event.getMsg(), "an event needs its name");
        }

        /** @return its name, e.g. {@code job-submitted} */
        public String msg() {
            return event.getMsg();
        }
    }

    /**
     * An event waiting in the outbox.
     *
     * @param id   its position
     * @param time when it happened
     * @param msg  its name
     * @param xml  its {@code <event>} element, validated when it was written ({@link EventXml})
     */
    public record Pending(long id, Instant time, String msg, String xml) {
        /**
         * @return the event, read back from its element
         * @throws SssException if the element is unreadable
         */
        public EventType event() throws SssException {
            return EventXml.fromText(xml);
        }
    }

    /** @param database a database whose migrations created the outbox table */
    public Outbox(SqliteDatabase database) {
        this.database = database;
    }

    /**
     * Adds an event inside the caller's transaction.
     *
     * @param connection the caller's connection, in a transaction
     * @param event      the event
     * @throws SQLException if it cannot be written
     */
    public static void enqueue(Connection connection, Event event) throws SQLException {
        String text;
        try {
            text = EventXml.toText(event.event());
        } catch (SssException e) {
            throw new SQLException("event " + event.msg() + " cannot be written: " + e.getMessage(), e);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox (time_ms, msg, data) VALUES (?, ?, ?)")) {
            insert.setLong(1, System.currentTimeMillis());
            insert.setString(2, event.msg());
            insert.setString(3, text);
            insert.executeUpdate();
        }
    }

    /**
     * Adds an event in a transaction of its own.
     *
     * @param event the event
     * @throws SQLException if it cannot be written
     */
    public void add(Event event) throws SQLException {
        database.write(connection -> {
            enqueue(connection, event);
            return null;
        });
    }

    /**
     * @param limit most events returned
     * @return the oldest events not yet published, in order
     * @throws SQLException if they cannot be read
     */
    public List<Pending> pending(int limit) throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id, time_ms, msg, data FROM outbox ORDER BY id LIMIT ?")) {
                query.setInt(1, limit);
                List<Pending> events = new ArrayList<>();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        Instant time = Instant.ofEpochMilli(rs.getLong(2));
                        events.add(new Pending(rs.getLong(1), time, rs.getString(3), stored(rs.getString(3), rs.getString(4), time)));
                    }
                }
                return events;
            }
        });
    }

    /**
     * An event's element as the outbox keeps it ({@link EventXml}); or, for one written by a release before events were
     * typed (its name and free-text data), its element made now.
     */
    private static String stored(String msg, String data, Instant time) throws SQLException {
        if (data != null && data.startsWith("<event ")) {
            return data;
        }
        EventType legacy = new EventType();
        legacy.setComponent("unknown");
        legacy.setMsg(msg);
        legacy.setData(data);
        legacy.setTime(time);
        try {
            return EventXml.toText(legacy);
        } catch (SssException e) {
            throw new SQLException("stored event " + msg + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the events the event manager accepted. The removal is committed without waiting for the disk: if a
     * power loss undoes it, those events are sent again (the event manager's delivery is at least once anyway).
     *
     * @param id the last of the oldest events, which the event manager accepted
     * @throws SQLException if it cannot be written
     */
    public void publishedUpTo(long id) throws SQLException {
        database.writeUnsynced(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id <= ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            return null;
        });
    }
}
