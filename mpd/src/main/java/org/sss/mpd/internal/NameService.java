package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.names.NameLines;
import org.sss.mpd.internal.names.NameTable;
import org.sss.mpd.internal.names.NameTable.Answer;
import org.sss.mpd.internal.names.NameTable.Entry;
import org.sss.mpd.internal.names.NameTable.Persistence;
import org.sss.mpd.internal.names.NameTable.Publisher;
import org.sss.mpd.internal.names.NameTable.Status;

/**
 * The ring's name service (PMI-1's {@code publish_name}, {@code lookup_name}, {@code unpublish_name}; PMIx's
 * {@code publish}, {@code lookup}, {@code unpublish}), as one mpd takes part in it: every request goes to the mpd
 * that leads the ring, which holds the {@link NameTable} and answers ({@code name-request}, {@code name-reply});
 * when the ranks of a job that used it have all ended here, the leader is told ({@code name-drop}), and it forgets
 * the names of members that leave. A request whose leader is lost is answered {@link Status#UNREACHABLE}; names
 * held by a lost leader are lost with it (docs/PMIX.md, "The name service"). Thread-safe.
 */
final class NameService {
    private static final Logger LOG = LoggerFactory.getLogger(NameService.class);
    /** How long a request that does not wait is given for its answer from the leader. */
    private static final long ANSWER_MILLIS = 30_000;
    private static final String OWN_USER = System.getProperty("user.name", "");

    private record Pending(String leader, String jid, Answer answer) {
    }

    private final Ring ring;
    private final Peers peers;
    private final ScheduledExecutorService timer;
    private final NameTable table = new NameTable(NameTable.Limits.DEFAULT);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Set<String> usedBy = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextReq = new AtomicLong(1);

    /**
     * @param ring  the ring (its leader, this mpd)
     * @param peers connections to other mpds
     * @param timer runs timeouts
     */
    NameService(Ring ring, Peers peers, ScheduledExecutorService timer) {
        this.ring = ring;
        this.peers = peers;
        this.timer = timer;
    }

    /**
     * @param spec a job
     * @param rank one of its ranks
     * @return the user whose names the rank sees: the one it runs as
     */
    static String userOf(JobSpec spec, int rank) {
        String runAs = spec.setOf(rank).runAs();
        return runAs == null || runAs.isEmpty() ? OWN_USER : runAs;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Publishes names of a user.
     *
     * @param user        whose
     * @param publisher   the rank publishing them (its host is this mpd)
     * @param persistence how long they live
     * @param values      names and values
     * @param answer      receives the outcome
     */
    void publish(String user, Publisher publisher, Persistence persistence, Map<String, String> values, Answer answer) {
        List<List<String>> lines = new ArrayList<>();
        values.forEach((name, value) -> lines.add(List.of(name, value)));
        usedBy.add(publisher.jid());
        request("publish", user, publisher, lines, answer, b -> b.with("persist", persistence.name().toLowerCase()), 0);
    }

    /**
     * Looks names of a user up.
     *
     * @param user          whose
     * @param asker         the rank asking (on this mpd)
     * @param names         the names
     * @param wait          whether to wait until all are published
     * @param timeoutMillis with wait, how long at most; 0 for ever
     * @param answer        receives the outcome
     */
    void lookup(String user, Publisher asker, List<String> names, boolean wait, long timeoutMillis, Answer answer) {
        if (wait) {
            usedBy.add(asker.jid());
        }
        request("lookup", user, asker, names.stream().map(List::of).toList(), answer,
                b -> b.with("wait", wait ? 1 : null).with("timeout", wait && timeoutMillis > 0 ? timeoutMillis : null),
                wait ? (timeoutMillis > 0 ? timeoutMillis + ANSWER_MILLIS : -1) : 0);
    }

    /**
     * Removes names of a user.
     *
     * @param user      whose
     * @param publisher the rank asking (on this mpd)
     * @param names     the names, or empty for all its job published from here
     * @param answer    receives the outcome
     */
    void unpublish(String user, Publisher publisher, List<String> names, Answer answer) {
        request("unpublish", user, publisher, names.stream().map(List::of).toList(), answer, b -> b, 0);
    }

    /**
     * @param answerMillis how long to wait for the leader's answer: 0 the default, -1 for ever
     */
    private void request(String op, String user, Publisher who, List<List<String>> lines, Answer answer,
                         java.util.function.UnaryOperator<MpdMessage.Builder> extra, long answerMillis) {
        long req = nextReq.getAndIncrement();
        Member leader = ring.membership().leader();
        MpdMessage message = extra.apply(MpdMessage.of("name-request").with("req", req).with("from", selfId())
                .with("op", op).with("user", user).with("jid", who.jid()).with("rank", who.rank()))
                .body(NameLines.encode(lines)).build();
        pending.put(req, new Pending(leader.id(), who.jid(), answer));
        if (leader.id().equals(selfId())) {
            try {
                serve(message);
            } catch (MalformedMessageException e) {
                complete(req, Status.INVALID, Map.of());
            }
            return;
        }
        if (!peers.send(leader, message)) {
            LOG.warn("mpd {}: names: job {}: the ring's leader {} cannot be reached for {}", selfId(), who.jid(),
                    leader.id(), op);
            complete(req, Status.UNREACHABLE, Map.of());
            return;
        }
        if (answerMillis >= 0) {
            timer.schedule(() -> complete(req, Status.UNREACHABLE, Map.of()),
                    answerMillis == 0 ? ANSWER_MILLIS : answerMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void complete(long req, Status status, Map<String, Entry> found) {
        Pending waiting = pending.remove(req);
        if (waiting != null) {
            waiting.answer.answer(status, found);
        }
    }

    /**
     * {@code name-request}, at the leader: the table's answer goes back to the asking mpd.
     *
     * @param message the request
     * @throws MalformedMessageException if it lacks a field
     */
    void onRequest(MpdMessage message) throws MalformedMessageException {
        serve(message);
    }

    private void serve(MpdMessage m) throws MalformedMessageException {
        long req = m.number("req");
        String from = m.require("from");
        Answer answer = (status, found) -> reply(from, req, status, found);
        if (!ring.leads()) {
            answer.answer(Status.UNREACHABLE, Map.of());
            return;
        }
        String user = m.require("user");
        Publisher who = new Publisher(m.require("jid"), m.number("rank"), from);
        List<List<String>> lines;
        try {
            lines = NameLines.decode(m.body(), NameTable.Limits.DEFAULT.namesPerRequest());
        } catch (IllegalArgumentException e) {
            LOG.warn("mpd {}: names: a bad {} from {} (job {}): {}", selfId(), m.get("op"), from, who.jid(), e.getMessage());
            answer.answer(Status.INVALID, Map.of());
            return;
        }
        NameTable.Answers answers = new NameTable.Answers();
        switch (m.require("op")) {
            case "publish" -> {
                Map<String, String> values = new LinkedHashMap<>();
                for (List<String> line : lines) {
                    values.put(line.getFirst(), line.size() > 1 ? line.get(1) : "");
                }
                Status status = values.size() == lines.size()
                        ? table.publish(user, who, persistence(m.get("persist")), values, answers) : Status.INVALID;
                LOG.info("mpd {}: names: job {} rank {} on {} published {} for user {}: {}", selfId(), who.jid(),
                        who.rank(), from, values.keySet(), user, status.wire());
                answers.run();
                answer.answer(status, Map.of());
                return;
            }
            case "lookup" -> {
                boolean wait = m.get("wait") != null;
                long timeout = m.number("timeout", 0);
                long deadline = wait && timeout > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout)
                        : Long.MAX_VALUE;
                List<String> names = lines.stream().map(List::getFirst).toList();
                table.lookup(user, names, who, wait, deadline, answer, answers);
                if (wait && answers.size() == 0) {
                    LOG.info("mpd {}: names: job {} rank {} on {} waits for {} of user {}{}", selfId(), who.jid(),
                            who.rank(), from, names, user, timeout > 0 ? " (at most " + timeout + " ms)" : "");
                }
                if (wait && timeout > 0) {
                    timer.schedule(this::expire, timeout, TimeUnit.MILLISECONDS);
                }
            }
            case "unpublish" -> answer.answer(table.unpublish(user, who, lines.stream().map(List::getFirst).toList()),
                    Map.of());
            default -> answer.answer(Status.INVALID, Map.of());
        }
        answers.run();
    }

    private void expire() {
        NameTable.Answers answers = new NameTable.Answers();
        table.expire(System.nanoTime(), answers);
        answers.run();
    }

    private static Persistence persistence(String wire) {
        for (Persistence p : Persistence.values()) {
            if (p.name().toLowerCase().equals(wire)) {
                return p;
            }
        }
        return Persistence.JOB;
    }

    private void reply(String to, long req, Status status, Map<String, Entry> found) {
        if (to.equals(selfId())) {
            complete(req, status, found);
            return;
        }
        List<List<String>> lines = new ArrayList<>();
        found.forEach((name, e) -> lines.add(List.of(name, e.value(), e.publisher().jid(),
                Long.toString(e.publisher().rank()), e.publisher().host())));
        MpdMessage message = MpdMessage.of("name-reply").with("req", req).with("status", status.wire())
                .body(NameLines.encode(lines)).build();
        if (!peers.send(ring.membership(), to, message)) {
            LOG.info("mpd {}: names: the answer to {} is lost ({} cannot be reached)", selfId(), req, to);
        }
    }

    /**
     * {@code name-reply}, at the asking mpd.
     *
     * @param m the answer
     * @throws MalformedMessageException if it lacks a field or its body is bad
     */
    void onReply(MpdMessage m) throws MalformedMessageException {
        long req = m.number("req");
        Map<String, Entry> found = new LinkedHashMap<>();
        try {
            for (List<String> line : NameLines.decode(m.body(), NameTable.Limits.DEFAULT.namesPerRequest())) {
                if (line.size() != 5) {
                    throw new MalformedMessageException("a name-reply line of " + line.size() + " fields");
                }
                found.put(line.get(0), new Entry(line.get(1), new Publisher(line.get(2), Long.parseLong(line.get(3)),
                        line.get(4)), Persistence.JOB));
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("a bad name-reply: " + e.getMessage());
        }
        complete(req, Status.of(m.require("status")), found);
    }

    /**
     * The ranks of a job have all ended here: if it used the name service, the leader forgets its names and waits;
     * its requests still waiting are answered {@link Status#NOT_FOUND}.
     *
     * @param jid the job
     */
    void jobEnded(String jid) {
        pending.entrySet().removeIf(e -> {
            if (e.getValue().jid().equals(jid)) {
                e.getValue().answer.answer(Status.NOT_FOUND, Map.of());
                return true;
            }
            return false;
        });
        if (!usedBy.remove(jid)) {
            return;
        }
        Member leader = ring.membership().leader();
        if (leader.id().equals(selfId())) {
            table.jobEnded(jid, selfId());
        } else {
            peers.send(leader, MpdMessage.of("name-drop").with("jid", jid).with("host", selfId()).build());
        }
    }

    /**
     * {@code name-drop}, at the leader.
     *
     * @param m the message
     * @throws MalformedMessageException if it lacks a field
     */
    void onDrop(MpdMessage m) throws MalformedMessageException {
        table.jobEnded(m.require("jid"), m.require("host"));
    }

    /**
     * Members left or died: the leader forgets their names; requests sent to a lost leader are answered
     * {@link Status#UNREACHABLE}.
     *
     * @param lost their ids
     */
    void membersGone(Set<String> lost) {
        if (ring.leads()) {
            lost.forEach(table::hostGone);
        }
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (lost.contains(e.getValue().leader())) {
                complete(e.getKey(), Status.UNREACHABLE, Map.of());
            }
        }
    }
}
