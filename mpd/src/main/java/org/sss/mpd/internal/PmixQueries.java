package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmix.PmixHelper;

/**
 * The answers to {@code PMIx_Query_info} that this mpd's PMIx server passes up ({@code query}, docs/PMIX.md): the
 * ring's namespaces, a job's process table (rank, host, pid, executable), its ranks on this host, its status. Like
 * mpdlistjobs, it asks every member of the ring for its running ranks ({@code pmix-procs-query}, answered
 * {@code pmix-procs}) and combines what comes back within {@link #GATHER_TIMEOUT}; a member that does not answer in
 * time is left out. Only the jobs the asking user submitted or runs ranks as are seen (all of them for root). A
 * namespace is {@value PmixJobs#NSPACE_PREFIX} and the job id; one that no member runs is not found. Thread-safe.
 */
final class PmixQueries {
    private static final Logger LOG = LoggerFactory.getLogger(PmixQueries.class);
    /** How long a query waits for the other members' ranks. */
    static final Duration GATHER_TIMEOUT = Duration.ofSeconds(5);
    /** Requests a query may carry; more are not answered. */
    private static final int MAX_REQUESTS = 64;
    /** Queries gathering at once; more fail at once, so tools that ask in a loop cannot pile up work. */
    private static final int MAX_GATHERS = 64;

    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final Supplier<PmixHelper> helper;
    private final Map<Long, Gather> gathers = new ConcurrentHashMap<>();
    private final AtomicLong nextGather = new AtomicLong(1);

    /** A running rank as a member reports it. */
    private record Row(String host, String jid, int rank, long pid, String user, String runAs, String exec) {
        boolean visibleTo(String asker) {
            return asker.isEmpty() || user.equals(asker) || runAs.equals(asker);
        }
    }

    /** One key asked: {@code ns}, {@code ptable}, {@code lptable} or {@code jst}, and its namespace ({@code -}). */
    private record Request(String kind, String nspace) {
        String jid() {
            return nspace.startsWith(PmixJobs.NSPACE_PREFIX) ? nspace.substring(PmixJobs.NSPACE_PREFIX.length()) : null;
        }
    }

    private static final class Gather {
        final Set<String> waiting;
        final List<Row> rows = new ArrayList<>();
        final CompletableFuture<List<Row>> done = new CompletableFuture<>();

        Gather(Set<String> waiting) {
            this.waiting = waiting;
        }

        synchronized void add(String host, List<Row> more) {
            if (waiting.remove(host)) {
                rows.addAll(more);
            }
            if (waiting.isEmpty()) {
                done.complete(List.copyOf(rows));
            }
        }

        synchronized void expire() {
            done.complete(List.copyOf(rows));
        }
    }

    /**
     * @param ring   the ring (this mpd, the members)
     * @param peers  connections to other mpds
     * @param table  the jobs
     * @param helper the running PMIx helper, or null
     */
    PmixQueries(Ring ring, Peers peers, JobTable table, Supplier<PmixHelper> helper) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.helper = helper;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * A query the library passed up: gathers the ring's ranks and answers {@code query-done}.
     *
     * @param id   the helper's request
     * @param user the asking user's name, empty for root
     * @param body one line per key asked: {@code KIND NSPACE}
     */
    void query(long id, String user, byte[] body) {
        List<Request> requests = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split(" ", 2);
            if (f.length == 2 && requests.size() < MAX_REQUESTS) {
                requests.add(new Request(f[0], f[1]));
            }
        }
        LOG.debug("mpd {}: pmix: query {} from {}: {}", selfId(), id, user.isEmpty() ? "root" : user, requests);
        if (gathers.size() >= MAX_GATHERS) {
            LOG.info("mpd {}: pmix: query from {} refused: {} queries are gathering already", selfId(),
                    user.isEmpty() ? "root" : user, gathers.size());
            PmixHelper server = helper.get();
            if (server != null) {
                server.queryDone(id, "error", new byte[0]);
            }
            return;
        }
        gatherRing().thenAccept(rows -> {
            PmixHelper server = helper.get();
            if (server != null) {
                server.queryDone(id, "ok", answer(requests, user, rows).getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private String answer(List<Request> requests, String user, List<Row> all) {
        List<Row> rows = all.stream().filter(row -> row.visibleTo(user)).toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            if (request.kind().equals("ns")) {
                Set<String> nspaces = new LinkedHashSet<>();
                rows.forEach(row -> nspaces.add(PmixJobs.NSPACE_PREFIX + row.jid()));
                out.append(i).append(" ns ").append(String.join(",", nspaces)).append('\n');
                continue;
            }
            List<Row> job = rows.stream().filter(row -> row.jid().equals(request.jid())).toList();
            if (job.isEmpty()) {
                continue;
            }
            switch (request.kind()) {
                case "jst" -> out.append(i).append(" jst running\n");
                case "ptable", "lptable" -> {
                    out.append(i).append(" procs ").append(request.nspace()).append('\n');
                    for (Row row : job) {
                        if (request.kind().equals("ptable") || row.host().equals(selfId())) {
                            out.append(i).append(" proc ").append(row.rank()).append(' ').append(row.pid()).append(' ')
                                    .append(escape(row.host())).append(' ').append(escape(row.exec())).append('\n');
                        }
                    }
                }
                default -> {
                    // not a kind the helper sends; left unanswered
                }
            }
        }
        return out.toString();
    }

    /** Bytes that would end a field or a line, and '%', as %xx (the helper undoes it). */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c == 0x7f || c == '%') {
                out.append('%').append(String.format("%02x", c));
            } else {
                out.append((char) c);
            }
        }
        return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private CompletableFuture<List<Row>> gatherRing() {
        Set<String> others = new LinkedHashSet<>();
        for (Member member : ring.membership().members()) {
            if (!member.id().equals(selfId())) {
                others.add(member.id());
            }
        }
        Set<String> waiting = new LinkedHashSet<>(others);
        waiting.add(selfId());
        Gather gather = new Gather(waiting);
        gather.add(selfId(), parse(selfId(), localLines()));
        if (others.isEmpty()) {
            return gather.done;
        }
        long request = nextGather.getAndIncrement();
        gathers.put(request, gather);
        MpdMessage ask = MpdMessage.of("pmix-procs-query").with("req", request).with("from", selfId()).build();
        for (String member : others) {
            if (!peers.send(ring.membership(), member, ask)) {
                LOG.info("mpd {}: pmix: query: member {} unreachable, its ranks left out", selfId(), member);
                gather.add(member, List.of());
            }
        }
        CompletableFuture.delayedExecutor(GATHER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (gathers.remove(request) != null && !gather.done.isDone()) {
                LOG.info("mpd {}: pmix: query: no answer within {} s from {}", selfId(), GATHER_TIMEOUT.toSeconds(),
                        gather.waiting);
                gather.expire();
            }
        });
        gather.done.whenComplete((rows, e) -> gathers.remove(request));
        return gather.done;
    }

    /** @return one line per running local rank: {@code jid rank pid user runAs exec} (runAs {@code -} when none) */
    private List<String> localLines() {
        List<String> lines = new ArrayList<>();
        for (Job job : table.all()) {
            for (LocalRank local : job.ranks.values()) {
                int pid;
                synchronized (local) {
                    pid = local.exited ? 0 : local.pid;
                }
                if (pid > 0 && local.rank >= 0) {
                    JobSpec.RankSet set = job.spec.setOf(local.rank);
                    lines.add(job.jid() + " " + local.rank + " " + pid + " " + job.spec.user() + " "
                            + (set.runAs().isEmpty() ? "-" : set.runAs()) + " " + set.exec());
                }
            }
        }
        return lines;
    }

    private static List<Row> parse(String host, List<String> lines) {
        List<Row> rows = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", 6);
            if (f.length < 6) {
                continue;
            }
            try {
                rows.add(new Row(host, f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3],
                        f[4].equals("-") ? "" : f[4], f[5]));
            } catch (NumberFormatException e) {
                // a line we cannot read is left out
            }
        }
        return rows;
    }

    /**
     * Handles {@code pmix-procs-query}: another member gathers the ring's ranks.
     *
     * @param message the request
     * @throws MalformedMessageException if a field is missing
     */
    void onProcsQuery(MpdMessage message) throws MalformedMessageException {
        long request = message.number("req");
        String from = message.require("from");
        MpdMessage reply = MpdMessage.of("pmix-procs").with("req", request).with("host", selfId())
                .body(String.join("\n", localLines()).getBytes(StandardCharsets.UTF_8)).build();
        if (!peers.send(ring.membership(), from, reply)) {
            LOG.info("mpd {}: pmix: query answer cannot reach {}", selfId(), from);
        }
    }

    /**
     * Handles {@code pmix-procs}: a member's running ranks.
     *
     * @param message the answer
     * @throws MalformedMessageException if a field is missing
     */
    void onProcs(MpdMessage message) throws MalformedMessageException {
        Gather gather = gathers.get(message.number("req"));
        if (gather != null) {
            String text = new String(message.body(), StandardCharsets.UTF_8);
            gather.add(message.require("host"), parse(message.require("host"), text.isEmpty() ? List.of() : List.of(text.split("\n"))));
        }
    }

    /**
     * A tool attached to this mpd's PMIx server, admitted or refused (a refused one is attached all the same, the
     * library having no safe way to turn it away, and its queries are refused).
     *
     * @param status {@code ok} or {@code refused}
     * @param uid    the user it says it is
     * @param pid    its process id, 0 if unknown
     */
    void tool(String status, long uid, long pid) {
        LOG.info("mpd {}: pmix: a tool of uid {}{} {}", selfId(), uid, pid > 0 ? " (pid " + pid + ")" : "",
                "ok".equals(status) ? "attached" : "was refused (only the mpd's user's and root's tools may ask here, and"
                        + " a tool may not take a job's name): it is attached under a name of its own, and its queries"
                        + " are refused");
    }
}
