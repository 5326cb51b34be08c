package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmix.PmixHelper;
import org.sss.mpd.internal.pmix.PmixRegistration;

/**
 * {@code PMIx_Connect} and {@code PMIx_Disconnect} across namespaces: a collective over the processes named, which
 * the PMIx library of each host enters once, when its local participants have all called it. The host sends
 * {@code pmix-connect} to the coordinator, the mpd that roots the first named namespace's job (a job and the jobs
 * spawned from it share their root, which holds every one's placement, as do jobs launched through the same mpd); the coordinator knows from the jobs which
 * hosts have ranks among the processes named and, once each has entered, answers every one {@code pmix-connect-done}
 * — for a connect, with the host of every rank of each namespace named, so that a host registers with its library
 * the namespaces it has no rank of and fetches their ranks' data ({@link #hostOf}, for direct modex), until the
 * disconnect. Processes of a job this
 * coordinator does not root are answered "not supported". Thread-safe.
 */
final class PmixConnects {
    private static final Logger LOG = LoggerFactory.getLogger(PmixConnects.class);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(30);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final Supplier<PmixHelper> helper;
    private final Function<String, Job> byNspace;
    /** Namespaces of no local job that this host registered with its library on connecting to them. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** This host's library requests awaiting an operation's end, by operation. */
    private final Map<String, List<Long>> waiting = new ConcurrentHashMap<>();
    /** At the coordinator: the hosts that have entered each operation, and those expected. */
    private final Map<String, Gathering> gatherings = new ConcurrentHashMap<>();
    /** Namespaces connected to from this host: each rank's host (an mpd id). */
    private final Map<String, List<String>> connected = new ConcurrentHashMap<>();

    private static final class Gathering {
        final Set<String> expected;
        final Set<String> arrived = new LinkedHashSet<>();

        Gathering(Set<String> expected) {
            this.expected = expected;
        }
    }

    /** One process named: its namespace and rank, or -1 for all of the namespace's. */
    private record Proc(String nspace, long rank) {
    }

    /**
     * @param ring   the ring (this mpd, the members)
     * @param peers  connections to other mpds
     * @param table  the jobs
     * @param helper   the running PMIx helper, or null
     * @param byNspace the job registered under a namespace here, or null
     */
    PmixConnects(Ring ring, Peers peers, JobTable table, Supplier<PmixHelper> helper, Function<String, Job> byNspace) {
        this.byNspace = byNspace;
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.helper = helper;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * @param nspace a namespace this host connected to
     * @param rank   one of its ranks
     * @return the mpd that hosts the rank, or null if this host has not connected to the namespace
     */
    String hostOf(String nspace, long rank) {
        List<String> hosts = connected.get(nspace);
        return hosts == null || rank < 0 || rank >= hosts.size() ? null : hosts.get((int) rank);
    }

    /**
     * The library's upcall: this host's participants have all entered the operation.
     *
     * @param id      the library's request
     * @param connect connect (true) or disconnect
     * @param body    the processes named, lines {@code NSPACE RANK} or {@code NSPACE *}
     */
    void entered(long id, boolean connect, byte[] body) {
        List<Proc> procs;
        try {
            procs = procs(body);
        } catch (IllegalArgumentException e) {
            LOG.warn("mpd {}: pmix: a {} the mpd cannot serve: {}", selfId(), connect ? "connect" : "disconnect",
                    e.getMessage());
            answer(id, "not-supported");
            return;
        }
        String key = (connect ? "connect " : "disconnect ") + new String(body, StandardCharsets.UTF_8).strip();
        String root = rootOf(procs.getFirst().nspace());
        waiting.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
        MpdMessage message = MpdMessage.of("pmix-connect").with("key", key).with("from", selfId()).build();
        if (root.equals(selfId())) {
            onConnect(message);
        } else if (!peers.send(ring.membership(), root, message)) {
            LOG.warn("mpd {}: pmix: {} cannot reach its coordinator {}", selfId(), describe(key), root);
            finish(key, "unreachable", new byte[0]);
        }
    }

    private void answer(long id, String status) {
        PmixHelper server = helper.get();
        if (server != null) {
            server.connectDone(id, status);
        }
    }

    private static List<Proc> procs(byte[] body) {
        List<Proc> procs = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2 || !parts[0].startsWith(PmixJobs.NSPACE_PREFIX) || parts[0].indexOf('@') < 0) {
                throw new IllegalArgumentException("a process outside the ring's namespaces: " + line);
            }
            try {
                procs.add(new Proc(parts[0], parts[1].equals("*") ? -1 : Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a bad rank: " + line);
            }
        }
        if (procs.isEmpty() || procs.size() > 1_000_000) {
            throw new IllegalArgumentException("no processes or too many");
        }
        return procs;
    }

    /** @return an operation's key on one line, for the log */
    private static String describe(String key) {
        return key.replace('\n', ',');
    }

    private static String jidOf(String nspace) {
        return nspace.substring(PmixJobs.NSPACE_PREFIX.length());
    }

    private static String rootOf(String nspace) {
        return nspace.substring(nspace.indexOf('@') + 1);
    }

    /**
     * Handles {@code pmix-connect} at the coordinator: a host has entered the operation.
     *
     * @param message the key (the operation and the processes) and the host
     */
    void onConnect(MpdMessage message) {
        String key = message.get("key");
        String from = message.get("from");
        if (key == null || from == null || key.indexOf(' ') < 0) {
            LOG.warn("mpd {}: pmix: a malformed pmix-connect", selfId());
            return;
        }
        List<Proc> procs;
        Set<String> expected;
        try {
            procs = procs(key.substring(key.indexOf(' ') + 1).getBytes(StandardCharsets.UTF_8));
            expected = hostsOf(procs);
        } catch (IllegalArgumentException e) {
            LOG.warn("mpd {}: pmix: {} refused: {}", selfId(), describe(key), e.getMessage());
            send(from, key, "not-supported", new byte[0]);
            return;
        }
        Set<String> arrived = null;
        synchronized (gatherings) {
            Gathering gathering = gatherings.computeIfAbsent(key, k -> new Gathering(expected));
            gathering.arrived.add(from);
            if (gathering.arrived.containsAll(gathering.expected)) {
                gatherings.remove(key);
                arrived = gathering.arrived;
            }
        }
        if (arrived != null) {
            byte[] hosts = key.startsWith("connect ") ? hostMap(procs) : new byte[0];
            LOG.info("mpd {}: pmix: {} complete over {} hosts", selfId(), describe(key), arrived.size());
            for (String host : arrived) {
                send(host, key, "ok", hosts);
            }
        }
    }

    /** The hosts that have any of the processes named, from the jobs rooted here. */
    private Set<String> hostsOf(List<Proc> procs) {
        Set<String> hosts = new HashSet<>();
        for (Proc proc : procs) {
            JobSpec spec = rooted(proc.nspace());
            if (proc.rank() < 0) {
                for (int host : spec.rankHost()) {
                    hosts.add(spec.treeHosts().get(host));
                }
            } else if (proc.rank() < spec.size()) {
                hosts.add(spec.treeHosts().get(spec.rankHost()[(int) proc.rank()]));
            } else {
                throw new IllegalArgumentException(proc.nspace() + " has no rank " + proc.rank());
            }
        }
        return hosts;
    }

    private JobSpec rooted(String nspace) {
        Job job = table.get(jidOf(nspace));
        if (job == null || job.root == null) {
            throw new IllegalArgumentException(nspace + " is not a job rooted on " + selfId()
                    + " (only jobs rooted on the same mpd connect)");
        }
        return job.spec;
    }

    /** Lines {@code NSPACE HOST HOST ...}: each named namespace's ranks' hosts, in rank order. */
    private byte[] hostMap(List<Proc> procs) {
        StringBuilder map = new StringBuilder();
        Set<String> done = new HashSet<>();
        for (Proc proc : procs) {
            if (done.add(proc.nspace())) {
                JobSpec spec = rooted(proc.nspace());
                map.append(proc.nspace());
                for (int host : spec.rankHost()) {
                    map.append(' ').append(spec.treeHosts().get(host));
                }
                map.append('\n');
            }
        }
        return map.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void send(String host, String key, String status, byte[] hosts) {
        MpdMessage done = MpdMessage.of("pmix-connect-done").with("key", key).with("status", status).body(hosts).build();
        if (host.equals(selfId())) {
            onConnectDone(done);
        } else if (!peers.send(ring.membership(), host, done)) {
            LOG.warn("mpd {}: pmix: the end of {} cannot reach {}", selfId(), describe(key), host);
        }
    }

    /**
     * Handles {@code pmix-connect-done}: the operation is over everywhere; this host's participants go on.
     *
     * @param message the key, the status and, for a connect, the namespaces' hosts
     */
    void onConnectDone(MpdMessage message) {
        String key = message.get("key");
        String status = message.get("status");
        if (key == null || status == null) {
            LOG.warn("mpd {}: pmix: a malformed pmix-connect-done", selfId());
            return;
        }
        finish(key, status, message.body());
    }

    /** Off the thread that delivered the end: registering a namespace waits for the helper, whose reader may be it. */
    private void finish(String key, String status, byte[] hosts) {
        Thread.ofVirtual().name("mpd-pmix-connect").start(() -> {
            String outcome = status;
            if (key.startsWith("connect ")) {
                if (status.equals("ok")) {
                    outcome = connected(hosts);
                }
            } else {
                for (String line : key.substring(key.indexOf(' ') + 1).split("\n")) {
                    forget(line.split(" ")[0]);
                }
            }
            List<Long> ids = waiting.remove(key);
            if (ids != null) {
                String answer = outcome;
                ids.forEach(id -> answer(id, answer));
            }
        });
    }

    /**
     * Notes where the connected namespaces' ranks are, and registers with the library those this host has no
     * rank of, so that its local ranks can read their job's information and data (without it the library holds a
     * request about a namespace it learnt only from data as "not all registered" forever).
     *
     * @return {@code ok}, or {@code error} if a namespace could not be registered
     */
    private String connected(byte[] hosts) {
        String outcome = "ok";
        for (String line : new String(hosts, StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length < 2) {
                continue;
            }
            String nspace = parts[0];
            List<String> rankHost = List.of(parts).subList(1, parts.length);
            connected.put(nspace, rankHost);
            PmixHelper server = helper.get();
            if (byNspace.apply(nspace) != null || server == null || !registered.add(nspace)) {
                continue;
            }
            PmixHelper.Registration registration = server.register(
                    PmixRegistration.remote(nspace, jidOf(nspace), rankHost), REGISTER_TIMEOUT);
            if (registration.problem() != null) {
                LOG.warn("mpd {}: pmix: cannot register connected namespace {}: {}", selfId(), nspace,
                        registration.problem());
                registered.remove(nspace);
                outcome = "error";
            }
        }
        return outcome;
    }

    /**
     * Forgets a namespace whose job ended here.
     *
     * @param nspace the namespace
     */
    void forget(String nspace) {
        connected.remove(nspace);
        PmixHelper server = helper.get();
        if (registered.remove(nspace) && server != null) {
            server.deregister(nspace);
        }
    }
}
