package org.sss.scheduler.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.EventSink;
import org.sss.lib.runtime.Events;
import org.sss.lib.store.Migration;
import org.sss.lib.store.SqliteDatabase;
import org.sss.lib.util.Words;
import org.sss.scheduler.Scheduler;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.scheduler.internal.plan.RunningJob;
import org.sss.scheduler.internal.plan.Reservation;
import org.sss.schema.ReservationType;
import org.sss.schema.SuiteEvent;

/**
 * The advance reservations, kept in SQLite (a reservation is committed before its id is returned) and in memory.
 * Two reservations never share a node over overlapping windows. Each one made is announced by a
 * {@code reservation-created} event, each one deleted or run out by {@code reservation-deleted} (published after the
 * commit, not durably: a dashboard's view of the schedule, not a fact anyone builds on). Thread-safe.
 */
public final class ReservationBook implements AutoCloseable {
    private static final List<Migration> MIGRATIONS = List.of(new Migration(1, "advance reservations", List.of(
            "CREATE TABLE reservations (seq INTEGER PRIMARY KEY AUTOINCREMENT, nodes TEXT NOT NULL,"
                    + " start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, users TEXT NOT NULL)")));
    private final SqliteDatabase database;
    private final EventSink events;
    private final List<Reservation> reservations = new ArrayList<>();

    private ReservationBook(SqliteDatabase database, EventSink events) {
        this.database = database;
        this.events = events;
    }

    /**
     * @param file   the database
     * @param events where reservation events go
     * @return the book, with the stored reservations
     * @throws IOException if it cannot be opened or read
     */
    public static ReservationBook open(Path file, EventSink events) throws IOException {
        ReservationBook book = new ReservationBook(SqliteDatabase.open(file, MIGRATIONS), events);
        try {
            book.reservations.addAll(book.database.read(connection -> {
                List<Reservation> loaded = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT seq, nodes, start_ms, end_ms, users FROM reservations ORDER BY seq");
                     ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        loaded.add(new Reservation("res" + rows.getLong(1), Words.set(rows.getString(2)),
                                Instant.ofEpochMilli(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4)),
                                Words.set(rows.getString(5))));
                    }
                }
                return loaded;
            }));
        } catch (SQLException e) {
            book.close();
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return book;
    }

    /**
     * @param id a reservation's id ({@code res1})
     * @return that reservation, or null when there is none of that id (never made, deleted or ended)
     */
    public synchronized Reservation named(String id) {
        for (Reservation reservation : reservations) {
            if (reservation.id().equals(id)) {
                return reservation;
            }
        }
        return null;
    }

    /** @return the reservations, oldest first */
    public synchronized List<Reservation> all() {
        return List.copyOf(reservations);
    }

    /**
     * @param nodes the nodes (each must be free of other reservations over the window)
     * @param start the window's start
     * @param end   its end
     * @param users who may use the nodes
     * @return the stored reservation
     * @throws SssException {@code bad-value} for a node another reservation holds then, {@code unavailable} if it
     *                      cannot be stored
     */
    public synchronized Reservation create(Set<String> nodes, Instant start, Instant end, Set<String> users)
            throws SssException {
        for (String node : nodes) {
            Reservation other = holding(node, start, end);
            if (other != null) {
                throw SssException.badValue("node " + node + " is reserved by " + other.id() + " from " + other.start()
                        + " to " + other.end());
            }
        }
        long seq;
        try {
            seq = database.write(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO reservations (nodes, start_ms, end_ms, users) VALUES (?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    insert.setString(1, String.join(" ", nodes));
                    insert.setLong(2, start.toEpochMilli());
                    insert.setLong(3, end.toEpochMilli());
                    insert.setString(4, String.join(" ", users));
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        return keys.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the reservation could not be stored: " + e.getMessage(), e);
        }
        Reservation reservation = new Reservation("res" + seq, nodes, start, end, users);
        reservations.add(reservation);
        events.publish(Events.reservation(SuiteEvent.RESERVATION_CREATED, Scheduler.NAME, toXml(reservation)));
        return reservation;
    }

    /**
     * Reserves a number of nodes: the first up nodes (in the node state manager's order) that no other reservation
     * holds over the window and no running job holds past its start (by its walltime; a job without one holds its
     * nodes indefinitely). As Slurm's {@code scontrol create reservation nodecnt=N} does, busy nodes are not taken:
     * the reservation's users would find them busy when it begins.
     *
     * @param count      how many
     * @param candidates every node
     * @param running    the jobs holding nodes, with their expected ends
     * @param start      the window's start
     * @param end        its end
     * @param users      who may use them
     * @return the stored reservation
     * @throws SssException {@code bad-value} when not enough nodes are free of reservations and jobs then
     */
    public synchronized Reservation createByCount(int count, List<PlanNode> candidates, List<RunningJob> running,
                                                  Instant start, Instant end, Set<String> users) throws SssException {
        Set<String> busy = new java.util.HashSet<>();
        for (RunningJob job : running) {
            if (job.expectedEnd() == null || job.expectedEnd().isAfter(start)) {
                busy.addAll(job.nodes());
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (PlanNode node : candidates) {
            if (chosen.size() < count && node.usable() && !busy.contains(node.name())
                    && holding(node.name(), start, end) == null) {
                chosen.add(node.name());
            }
        }
        if (chosen.size() < count) {
            throw SssException.badValue("count " + count + ": only " + chosen.size() + " up node(s) are free of"
                    + " reservations and running jobs from " + start + " to " + end);
        }
        return create(chosen, start, end, users);
    }

    /** @return the reservation holding a node at some moment of [start, end), or null */
    private Reservation holding(String node, Instant start, Instant end) {
        for (Reservation other : reservations) {
            if (other.nodes().contains(node) && start.isBefore(other.end()) && end.isAfter(other.start())) {
                return other;
            }
        }
        return null;
    }

    /**
     * @param id a reservation
     * @return the deleted reservation
     * @throws SssException {@code not-found} for an unknown id, {@code unavailable} if it cannot be stored
     */
    public synchronized Reservation delete(String id) throws SssException {
        Reservation found = reservations.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> SssException.notFound("no reservation " + id));
        try {
            database.write(connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM reservations WHERE seq = ?")) {
                    delete.setLong(1, Long.parseLong(id.substring("res".length())));
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the reservation could not be deleted: " + e.getMessage(), e);
        }
        reservations.remove(found);
        events.publish(Events.reservation(SuiteEvent.RESERVATION_DELETED, Scheduler.NAME, toXml(found)));
        return found;
    }

    /**
     * @param reservation a reservation
     * @return it as replies and events carry it
     */
    static ReservationType toXml(Reservation reservation) {
        ReservationType type = new ReservationType();
        type.setId(reservation.id());
        type.setNodes(String.join(" ", reservation.nodes().stream().sorted().toList()));
        type.setStart(reservation.start());
        type.setEnd(reservation.end());
        type.setUsers(String.join(" ", reservation.users().stream().sorted().toList()));
        return type;
    }

    /**
     * Forgets reservations whose window has closed.
     *
     * @param now the time
     */
    public synchronized void expire(Instant now) {
        for (Reservation reservation : List.copyOf(reservations)) {
            if (!reservation.end().isAfter(now)) {
                try {
                    delete(reservation.id());
                } catch (SssException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
