package org.sss.mpd.internal.pmix;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.mpd.internal.MpdMessage;

/**
 * What an mpd tells its PMIx server of a job before starting the job's ranks on its host ({@code register},
 * docs/PMIX.md): the namespace, the job's size and universe, which nodes host which ranks, the applications (MPMD
 * sets) in rank order, and this host's ranks with the user each runs as. The library builds the job's node and
 * process maps and every rank's local rank, node rank, node id and host name from these. Immutable.
 *
 * @param nspace   the job's PMIx namespace
 * @param jid      the job id ({@code PMIX_JOBID})
 * @param size     ranks in the job
 * @param universe the universe size ({@code PMIX_UNIV_SIZE})
 * @param spawned  whether the job was started by a spawn
 * @param nodes    the hosts that have ranks, in node id order (a host's name is its mpd id)
 * @param procs    for each node of {@code nodes}, its ranks in ascending order
 * @param apps     the sizes of the job's applications, in rank order
 * @param node     this host's index in {@code nodes}
 * @param local    this host's ranks, each with the user it runs as (empty: the mpd's own)
 */
public record PmixRegistration(String nspace, String jid, int size, int universe, boolean spawned, List<String> nodes,
                               List<List<Integer>> procs, List<Integer> apps, int node, Map<Integer, String> local) {
    /** Copies the collections. */
    public PmixRegistration {
        nodes = List.copyOf(nodes);
        procs = procs.stream().map(List::copyOf).toList();
        apps = List.copyOf(apps);
        local = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(local));
    }

    /**
     * Describes a placed job for the host that has {@code hostRanks}.
     *
     * @param nspace   the job's namespace
     * @param jid      the job id
     * @param universe the universe size
     * @param spawned  whether the job was spawned
     * @param rankHost each rank's host (any names; a node is a distinct name), in rank order
     * @param apps     the applications' sizes
     * @param self     this host's name in {@code rankHost}
     * @param users    the user each of this host's ranks runs as (empty: the mpd's own), by rank
     * @return the registration; nodes are numbered in the order their first rank appears
     */
    public static PmixRegistration of(String nspace, String jid, int universe, boolean spawned, List<String> rankHost,
                                      List<Integer> apps, String self, Map<Integer, String> users) {
        Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (int rank = 0; rank < rankHost.size(); rank++) {
            byNode.computeIfAbsent(rankHost.get(rank), h -> new ArrayList<>()).add(rank);
        }
        List<String> nodes = new ArrayList<>(byNode.keySet());
        Map<Integer, String> local = new LinkedHashMap<>();
        for (int rank : byNode.getOrDefault(self, List.of())) {
            local.put(rank, users.getOrDefault(rank, ""));
        }
        return new PmixRegistration(nspace, jid, rankHost.size(), universe, spawned, nodes, new ArrayList<>(byNode.values()),
                apps, nodes.indexOf(self), local);
    }

    /**
     * @param id the request's id
     * @return the {@code register} message
     */
    MpdMessage message(long id) {
        StringBuilder body = new StringBuilder(64 + size * 8);
        body.append("nodes=").append(String.join(",", nodes)).append('\n');
        body.append("procs=");
        for (int n = 0; n < procs.size(); n++) {
            body.append(n == 0 ? "" : ";");
            join(body, procs.get(n));
        }
        body.append("\napps=");
        join(body, apps);
        body.append("\nlocal=");
        boolean first = true;
        for (Map.Entry<Integer, String> entry : local.entrySet()) {
            body.append(first ? "" : ",").append(entry.getKey()).append(':').append(entry.getValue());
            first = false;
        }
        body.append('\n');
        return MpdMessage.of("register").with("id", id).with("nspace", nspace).with("jid", jid).with("size", size)
                .with("universe", universe).with("node", node).with("spawned", spawned ? 1 : 0)
                .body(body.toString().getBytes(StandardCharsets.UTF_8)).build();
    }

    private static void join(StringBuilder text, List<Integer> values) {
        for (int i = 0; i < values.size(); i++) {
            text.append(i == 0 ? "" : ",").append(values.get(i));
        }
    }

    /**
     * Reads the body of {@code registered}: lines {@code RANK NAME=value}, the value's bytes below 0x20, {@code %}
     * and 0x7f written {@code %xx}.
     *
     * @param body the body
     * @return each rank's variables, in the order given
     */
    static Map<Integer, List<String>> environment(byte[] body) {
        Map<Integer, List<String>> env = new LinkedHashMap<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space <= 0 || line.indexOf('=', space) < 0) {
                continue;
            }
            try {
                int rank = Integer.parseInt(line.substring(0, space));
                env.computeIfAbsent(rank, r -> new ArrayList<>()).add(unescape(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not a rank's line
            }
        }
        return env;
    }

    private static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (bytes[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
