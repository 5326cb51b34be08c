package org.sss.eventmanager.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.error.SssException;
import org.sss.lib.store.Migration;
import org.sss.lib.store.SqliteDatabase;
import org.sss.lib.xml.EventXml;
import org.sss.schema.EventType;
import org.sss.schema.FilterType;

/**
 * The durable event log and the subscription records, in one SQLite database.
 *
 * <p>Each event gets a sequence number that is never reused, even after retention removed older events
 * ({@code AUTOINCREMENT}). An event is kept with its XML ({@link EventXml}: its typed payload with it) beside the
 * columns filters and retention use; the newest are also held in memory ({@link RecentEvents}), from where reads that
 * keep up are answered. {@link #append} returns only after the events are committed. Thread-safe.
 */
public final class EventLog implements AutoCloseable {
    private static final int SCAN_CHUNK = 1000;
    /** A read scans at most this many events per event it may return (and at least one chunk) before it pauses. */
    private static final int SCAN_PER_MATCH = 10;
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "event log and subscriptions", List.of(
                    "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL,"
                            + " component TEXT NOT NULL, msg TEXT NOT NULL, data TEXT)",
                    "CREATE INDEX events_time ON events(time_ms)",
                    "CREATE TABLE subscriptions (subscriber TEXT PRIMARY KEY, host TEXT NOT NULL, port INTEGER NOT NULL,"
                            + " acked INTEGER NOT NULL, created_ms INTEGER NOT NULL)",
                    "CREATE TABLE subscription_filters (subscriber TEXT NOT NULL REFERENCES subscriptions(subscriber)"
                            + " ON DELETE CASCADE, position INTEGER NOT NULL, component TEXT, msg TEXT, data TEXT,"
                            + " PRIMARY KEY (subscriber, position))")),
            new Migration(2, "typed events: each event's XML, payload included", List.of(
                    "ALTER TABLE events ADD COLUMN xml TEXT")),
            new Migration(3, "a subscription's shortest time between two pushes", List.of(
                    "ALTER TABLE subscriptions ADD COLUMN delay_ms INTEGER NOT NULL DEFAULT 0")));
    /** How many of the newest events are kept in memory for delivery. */
    private static final int RECENT = 8192;

    private final SqliteDatabase database;
    private final AtomicLong head = new AtomicLong();
    private final RecentEvents recent;

    private EventLog(SqliteDatabase database) throws SQLException {
        this.database = database;
        this.head.set(database.read(EventLog::maxSeq));
        this.recent = new RecentEvents(RECENT, head.get());
    }

    /**
     * @param file the database file
     * @return the open log
     * @throws IOException if it cannot be opened or migrated
     */
    public static EventLog open(Path file) throws IOException {
        SqliteDatabase database = SqliteDatabase.open(file, MIGRATIONS);
        try {
            return new EventLog(database);
        } catch (SQLException e) {
            database.close();
            throw new IOException("cannot read event log " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the highest sequence number assigned so far (0 for an empty log) */
    public long head() {
        return head.get();
    }

    /**
     * Appends events durably.
     *
     * @param events events to log (their seq is ignored; time defaults to now)
     * @return the sequence number of the last one
     * @throws SQLException if the write failed; nothing of it is logged then
     */
    public long append(List<EventType> events) throws SQLException {
        List<String> texts = new ArrayList<>(events.size());
        for (EventType event : events) {
            event.setSeq(null);
            if (event.getTime() == null) {
                event.setTime(Instant.now());
            }
            try {
                texts.add(EventXml.toText(event));
            } catch (SssException e) {
                throw new SQLException("event " + event.getMsg() + " cannot be written: " + e.getMessage(), e);
            }
        }
        long last = database.write(connection -> {
            long seq = 0;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO events(time_ms, component, msg, data, xml) VALUES (?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < events.size(); i++) {
                    EventType event = events.get(i);
                    insert.setLong(1, event.getTime().toEpochMilli());
                    insert.setString(2, event.getComponent());
                    insert.setString(3, event.getMsg());
                    insert.setString(4, event.getData());
                    insert.setString(5, texts.get(i));
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        seq = keys.getLong(1);
                    }
                }
            }
            return seq;
        });
        List<LoggedEvent> logged = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            long seq = last - events.size() + 1 + i;
            events.get(i).setSeq(seq);
            logged.add(new LoggedEvent(events.get(i), EventXml.withSeq(texts.get(i), seq)));
        }
        recent.add(logged);
        head.accumulateAndGet(last, Math::max);
        return last;
    }

    /** A page of matching events and how far the scan got. */
    public record Page(List<LoggedEvent> events, long scannedTo, boolean more) {
        /** @return the events themselves */
        public List<EventType> typed() {
            return events.stream().map(LoggedEvent::event).toList();
        }
    }

    /**
     * Reads events after a sequence number that match any of the filters.
     *
     * @param since   return events with a greater sequence number
     * @param limit   at most this many
     * @param filters none means every event
     * @return the events, the sequence number to continue after, and whether more may match
     * @throws SQLException if the read failed
     */
    public Page read(long since, int limit, List<FilterType> filters) throws SQLException {
        Page kept = recent.after(since, limit, filters);
        if (kept != null) {
            return kept;
        }
        List<LoggedEvent> found = new ArrayList<>();
        long cursor = since;
        long end = head.get();
        // A filter that matches little must not walk the whole log in one request (a million events, each decoded,
        // under the readers' lock that lagging subscribers' deliveries need too): the scan stops after a bounded
        // number of events, and the page says where to go on.
        long scanLimit = Math.max(SCAN_CHUNK, (long) limit * SCAN_PER_MATCH);
        long scanned = 0;
        while (found.size() < limit && cursor < end && scanned < scanLimit) {
            List<LoggedEvent> chunk = chunk(cursor, SCAN_CHUNK);
            if (chunk.isEmpty()) {
                cursor = end;
                break;
            }
            for (LoggedEvent event : chunk) {
                cursor = event.event().getSeq();
                scanned++;
                if (EventFilters.matches(filters, event.event())) {
                    found.add(event);
                    if (found.size() == limit) {
                        break;
                    }
                }
            }
        }
        return new Page(found, Math.max(cursor, since), cursor < head.get());
    }

    private List<LoggedEvent> chunk(long since, int size) throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT seq, time_ms, component, msg, data, xml FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                query.setLong(1, since);
                query.setInt(2, size);
                List<LoggedEvent> events = new ArrayList<>();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        events.add(stored(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
                return events;
            }
        });
    }

    /** An event read back from its stored element, or, logged by a release before events were kept so, its columns. */
    private static LoggedEvent stored(long seq, long timeMillis, String component, String msg, String data, String xml)
            throws SQLException {
        try {
            if (xml != null) {
                EventType event = EventXml.fromText(xml);
                event.setSeq(seq);
                return new LoggedEvent(event, EventXml.withSeq(xml, seq));
            }
            EventType event = new EventType();
            event.setTime(Instant.ofEpochMilli(timeMillis));
            event.setComponent(component);
            event.setMsg(msg);
            event.setData(data);
            String text = EventXml.toText(event);
            event.setSeq(seq);
            return new LoggedEvent(event, EventXml.withSeq(text, seq));
        } catch (SssException e) {
            throw new SQLException("stored event " + seq + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * @return the lowest sequence number still in the log, or {@link #head()} + 1 if it is empty
     * @throws SQLException if the read failed
     */
    public long oldest() throws SQLException {
        return database.read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT MIN(seq) FROM events")) {
                long min = rs.next() ? rs.getLong(1) : 0;
                return min == 0 ? head.get() + 1 : min;
            }
        });
    }

    /**
     * What a retention pass removed.
     *
     * @param removed how many events
     * @param upTo    the highest sequence number removed (0: none)
     * @param behind  the subscriptions that had not acknowledged every removed event: they never get those
     */
    public record Retention(int removed, long upTo, List<String> behind) {
    }

    /**
     * Removes events beyond the retention limits, and says which subscriptions lose events by it (a subscriber that
     * lags past the limits; the limits are meant to be far beyond any that keeps up).
     *
     * @param keepEvents most events to keep
     * @param keepAge    oldest events to keep
     * @return what was removed
     * @throws SQLException if the delete failed
     */
    public Retention applyRetention(long keepEvents, Duration keepAge) throws SQLException {
        long cutoffSeq = head.get() - keepEvents;
        long cutoffTime = Instant.now().minus(keepAge).toEpochMilli();
        Retention retention = database.write(connection -> {
            long upTo = 0;
            try (PreparedStatement highest = connection.prepareStatement(
                    "SELECT MAX(seq) FROM events WHERE seq <= ? OR time_ms < ?")) {
                highest.setLong(1, cutoffSeq);
                highest.setLong(2, cutoffTime);
                try (ResultSet rows = highest.executeQuery()) {
                    if (rows.next()) {
                        upTo = rows.getLong(1);
                    }
                }
            }
            if (upTo == 0) {
                return new Retention(0, 0, List.of());
            }
            List<String> behind = new ArrayList<>();
            try (PreparedStatement lagging = connection.prepareStatement(
                    "SELECT subscriber FROM subscriptions WHERE acked < ? ORDER BY subscriber")) {
                lagging.setLong(1, upTo);
                try (ResultSet rows = lagging.executeQuery()) {
                    while (rows.next()) {
                        behind.add(rows.getString(1));
                    }
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM events WHERE seq <= ? OR time_ms < ?")) {
                delete.setLong(1, cutoffSeq);
                delete.setLong(2, cutoffTime);
                return new Retention(delete.executeUpdate(), upTo, List.copyOf(behind));
            }
        });
        if (retention.removed() > 0) {
            recent.clear(head.get());
        }
        return retention;
    }

    /**
     * Creates or replaces a subscription.
     *
     * @param subscription the subscription, with the position to deliver after
     * @throws SQLException if the write failed
     */
    public void saveSubscription(SubscriptionRecord subscription) throws SQLException {
        database.write(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO subscriptions(subscriber, host, port, acked, created_ms, delay_ms) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT(subscriber) DO UPDATE SET host = excluded.host, port = excluded.port,"
                            + " acked = excluded.acked, delay_ms = excluded.delay_ms");
                 PreparedStatement clear = connection.prepareStatement("DELETE FROM subscription_filters WHERE subscriber = ?");
                 PreparedStatement filter = connection.prepareStatement(
                         "INSERT INTO subscription_filters(subscriber, position, component, msg, data) VALUES (?, ?, ?, ?, ?)")) {
                upsert.setString(1, subscription.subscriber());
                upsert.setString(2, subscription.host());
                upsert.setInt(3, subscription.port());
                upsert.setLong(4, subscription.acked());
                upsert.setLong(5, System.currentTimeMillis());
                upsert.setInt(6, subscription.delayMillis());
                upsert.executeUpdate();
                clear.setString(1, subscription.subscriber());
                clear.executeUpdate();
                int position = 0;
                for (FilterType f : subscription.filters()) {
                    filter.setString(1, subscription.subscriber());
                    filter.setInt(2, position++);
                    filter.setString(3, f.getComponent());
                    filter.setString(4, f.getMsg());
                    filter.setString(5, f.getData());
                    filter.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Records a subscriber's acknowledged position without waiting for the commit, nor the commit for the disk
     * (a lost update only means some events are pushed again after a crash).
     *
     * @param subscriber the subscriber
     * @param acked      the highest acknowledged sequence number
     */
    public void saveAckedLater(String subscriber, long acked) {
        database.writer().submitUnsynced(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE subscriptions SET acked = MAX(acked, ?) WHERE subscriber = ?")) {
                update.setLong(1, acked);
                update.setString(2, subscriber);
                return update.executeUpdate();
            }
        });
    }

    /**
     * @param subscriber the subscriber
     * @return whether a subscription was removed
     * @throws SQLException if the delete failed
     */
    public boolean deleteSubscription(String subscriber) throws SQLException {
        return database.write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM subscriptions WHERE subscriber = ?")) {
                delete.setString(1, subscriber);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /**
     * @return every stored subscription
     * @throws SQLException if the read failed
     */
    public List<SubscriptionRecord> subscriptions() throws SQLException {
        return database.read(connection -> {
            List<SubscriptionRecord> records = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT subscriber, host, port, acked, delay_ms FROM subscriptions ORDER BY subscriber")) {
                while (rs.next()) {
                    records.add(new SubscriptionRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                            filtersOf(connection, rs.getString(1)), rs.getInt(5)));
                }
            }
            return records;
        });
    }

    private static List<FilterType> filtersOf(Connection connection, String subscriber) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT component, msg, data FROM subscription_filters WHERE subscriber = ? ORDER BY position")) {
            query.setString(1, subscriber);
            List<FilterType> filters = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    FilterType filter = new FilterType();
                    filter.setComponent(rs.getString(1));
                    filter.setMsg(rs.getString(2));
                    filter.setData(rs.getString(3));
                    filters.add(filter);
                }
            }
            return filters;
        }
    }

    private static long maxSeq(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
