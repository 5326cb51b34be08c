package org.sss.mpd.internal.names;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ring's published names, held by the mpd that leads the ring (docs/PMIX.md, "The name service"): for each
 * user, names (PMI-1's service names, PMIx's keys) and their values (ports), each with its publisher and how long it
 * lives; and the lookups waiting for names not yet published ({@code PMIX_WAIT}). One user's names are invisible to
 * every other user. Bounded by its {@link Limits}: what would go beyond them is refused, never half done.
 *
 * <p>Answers to waiting lookups are not run under the table's lock: each operation returns those it completed, to
 * be run by the caller ({@link Answers#run}). Thread-safe.
 */
public final class NameTable {
    /** How long a name lives. */
    public enum Persistence {
        /** Until its publishing job's ranks on the publisher's host have ended (the default). */
        JOB,
        /** Until unpublished (or its publisher's host leaves the ring). */
        INDEFINITE,
        /** Until first found by a lookup (or it would have gone as {@link #JOB}). */
        FIRST_READ
    }

    /** What became of a request; the wire name is {@link #wire()}. */
    public enum Status {
        OK("ok"), NOT_FOUND("not-found"), EXISTS("exists"), TOO_MANY("too-many"), INVALID("invalid"),
        TIMEOUT("timeout"), UNREACHABLE("unreachable");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        /** @return its name in messages */
        public String wire() {
            return wire;
        }

        /**
         * @param wire a name from a message
         * @return the status ({@link #INVALID} for an unknown one)
         */
        public static Status of(String wire) {
            for (Status status : values()) {
                if (status.wire.equals(wire)) {
                    return status;
                }
            }
            return INVALID;
        }
    }

    /**
     * Who published a name: a rank of a job, and the mpd it runs on.
     *
     * @param jid  the job
     * @param rank the rank
     * @param host the mpd's id
     */
    public record Publisher(String jid, long rank, String host) {
    }

    /**
     * A published name.
     *
     * @param value       its value (a port)
     * @param publisher   who published it
     * @param persistence how long it lives
     */
    public record Entry(String value, Publisher publisher, Persistence persistence) {
    }

    /**
     * The table's bounds.
     *
     * @param maxName        longest name, in characters
     * @param maxValue       longest value, in characters
     * @param namesPerUser   most names one user may have published at once
     * @param waitersPerUser most lookups of one user waiting at once
     * @param namesPerRequest most names in one request
     */
    public record Limits(int maxName, int maxValue, int namesPerUser, int waitersPerUser, int namesPerRequest) {
        /** The mpd's: PMIx's key length, a port of Open MPI's MPI_MAX_PORT_NAME. */
        public static final Limits DEFAULT = new Limits(511, 1024, 1024, 256, 64);
    }

    /** Receives a request's outcome. */
    @FunctionalInterface
    public interface Answer {
        /**
         * @param status what became of it
         * @param found  for a lookup, the names found, with their entries
         */
        void answer(Status status, Map<String, Entry> found);
    }

    /** Answers completed by an operation, to be run once the table's lock is released. */
    public static final class Answers {
        private final List<Runnable> pending = new ArrayList<>();

        private void add(Answer answer, Status status, Map<String, Entry> found) {
            pending.add(() -> answer.answer(status, found));
        }

        /** Runs them, in order. */
        public void run() {
            pending.forEach(Runnable::run);
        }

        /** @return how many there are */
        public int size() {
            return pending.size();
        }
    }

    private record Waiter(String user, List<String> names, Publisher asker, long deadline, Answer answer) {
    }

    private final Limits limits;
    private final Map<String, Map<String, Entry>> byUser = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    /** @param limits its bounds */
    public NameTable(Limits limits) {
        this.limits = limits;
    }

    /**
     * Publishes names, all or none: refused if one is already published by the user ({@link Status#EXISTS}), would
     * take the user beyond its limit ({@link Status#TOO_MANY}) or is out of bounds ({@link Status#INVALID}).
     * Lookups waiting for them are answered.
     *
     * @param user        whose names
     * @param publisher   who publishes them
     * @param persistence how long they live
     * @param values      names and values
     * @param answers     collects the waiting lookups this completes
     * @return the outcome
     */
    public synchronized Status publish(String user, Publisher publisher, Persistence persistence,
                                       Map<String, String> values, Answers answers) {
        if (values.isEmpty() || values.size() > limits.namesPerRequest()) {
            return Status.INVALID;
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!validName(e.getKey()) || e.getValue() == null || e.getValue().length() > limits.maxValue()) {
                return Status.INVALID;
            }
        }
        Map<String, Entry> names = byUser.getOrDefault(user, new LinkedHashMap<>());
        for (String name : values.keySet()) {
            if (names.containsKey(name)) {
                return Status.EXISTS;
            }
        }
        if (names.size() + values.size() > limits.namesPerUser()) {
            return Status.TOO_MANY;
        }
        values.forEach((name, value) -> names.put(name, new Entry(value, publisher, persistence)));
        byUser.put(user, names);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.user.equals(user) && names.keySet().containsAll(waiter.names)) {
                it.remove();
                answers.add(waiter.answer, Status.OK, take(user, waiter.names));
            }
        }
        return Status.OK;
    }

    /**
     * Looks names up. Found ones are answered at once ({@link Status#NOT_FOUND} if none is); with {@code wait}, the
     * answer comes when every one of them is published, or {@link Status#TIMEOUT} at the deadline.
     *
     * @param user     whose names
     * @param names    the names
     * @param asker    who asks (its waits go when its job does)
     * @param wait     whether to wait until all are published
     * @param deadline with wait, the {@link System#nanoTime()} to give up at; {@link Long#MAX_VALUE}: never
     * @param answer   receives the outcome, at once or later
     * @param answers  collects the answer when it is given at once
     */
    public synchronized void lookup(String user, List<String> names, Publisher asker, boolean wait, long deadline,
                                    Answer answer, Answers answers) {
        if (names.isEmpty() || names.size() > limits.namesPerRequest() || !names.stream().allMatch(this::validName)) {
            answers.add(answer, Status.INVALID, Map.of());
            return;
        }
        Map<String, Entry> published = byUser.getOrDefault(user, Map.of());
        if (wait && !published.keySet().containsAll(names)) {
            long waiting = waiters.stream().filter(w -> w.user.equals(user)).count();
            if (waiting >= limits.waitersPerUser()) {
                answers.add(answer, Status.TOO_MANY, Map.of());
            } else {
                waiters.add(new Waiter(user, List.copyOf(names), asker, deadline, answer));
            }
            return;
        }
        Map<String, Entry> found = take(user, names);
        answers.add(answer, found.isEmpty() ? Status.NOT_FOUND : Status.OK, found);
    }

    /** The user's entries of these names, removing those that live until first read. */
    private Map<String, Entry> take(String user, List<String> names) {
        Map<String, Entry> published = byUser.getOrDefault(user, Map.of());
        Map<String, Entry> found = new LinkedHashMap<>();
        for (String name : names) {
            Entry entry = published.get(name);
            if (entry != null) {
                found.put(name, entry);
                if (entry.persistence() == Persistence.FIRST_READ) {
                    published.remove(name);
                }
            }
        }
        return found;
    }

    /**
     * Removes names of the user: those given, or with none given every name the publisher's job published from
     * its host.
     *
     * @param user      whose names
     * @param publisher who asks
     * @param names     the names, or empty for all of the publisher's job on its host
     * @return {@link Status#OK} if one was removed, else {@link Status#NOT_FOUND}
     */
    public synchronized Status unpublish(String user, Publisher publisher, List<String> names) {
        if (names.size() > limits.namesPerRequest() || !names.stream().allMatch(this::validName)) {
            return Status.INVALID;
        }
        Map<String, Entry> published = byUser.get(user);
        if (published == null) {
            return Status.NOT_FOUND;
        }
        boolean removed = names.isEmpty()
                ? published.values().removeIf(e -> e.publisher().jid().equals(publisher.jid())
                        && e.publisher().host().equals(publisher.host()))
                : published.keySet().removeAll(names);
        if (published.isEmpty()) {
            byUser.remove(user);
        }
        return removed ? Status.OK : Status.NOT_FOUND;
    }

    /**
     * A job's ranks on a host have all ended: the names they published that live as long as the job go, and the
     * lookups they were waiting in are dropped.
     *
     * @param jid  the job
     * @param host the mpd's id
     */
    public synchronized void jobEnded(String jid, String host) {
        removeIf(e -> e.publisher().host().equals(host) && e.publisher().jid().equals(jid)
                && e.persistence() != Persistence.INDEFINITE);
        waiters.removeIf(w -> w.asker.host().equals(host) && w.asker.jid().equals(jid));
    }

    /**
     * A host left the ring: every name published from it goes, and the lookups waiting for its ranks.
     *
     * @param host the mpd's id
     */
    public synchronized void hostGone(String host) {
        removeIf(e -> e.publisher().host().equals(host));
        waiters.removeIf(w -> w.asker.host().equals(host));
    }

    private void removeIf(java.util.function.Predicate<Entry> gone) {
        for (Iterator<Map<String, Entry>> it = byUser.values().iterator(); it.hasNext(); ) {
            Map<String, Entry> names = it.next();
            names.values().removeIf(gone);
            if (names.isEmpty()) {
                it.remove();
            }
        }
    }

    /**
     * Gives up the waiting lookups whose deadline has passed.
     *
     * @param now     {@link System#nanoTime()}
     * @param answers collects their {@link Status#TIMEOUT} answers
     */
    public synchronized void expire(long now, Answers answers) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.deadline != Long.MAX_VALUE && waiter.deadline - now <= 0) {
                it.remove();
                answers.add(waiter.answer, Status.TIMEOUT, Map.of());
            }
        }
    }

    /**
     * @param user a user
     * @return how many names the user has published
     */
    public synchronized int size(String user) {
        return byUser.getOrDefault(user, Map.of()).size();
    }

    /** @return how many lookups are waiting */
    public synchronized int waiting() {
        return waiters.size();
    }

    private boolean validName(String name) {
        return name != null && !name.isEmpty() && name.length() <= limits.maxName();
    }
}
