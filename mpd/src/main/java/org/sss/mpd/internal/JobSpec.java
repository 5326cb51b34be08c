package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parallel job as mpiexec asks for it and as the root mpd passes it down the launch tree.
 *
 * <p>From mpiexec: the rank sets (MPMD: each with a count, an executable, arguments and extra environment), the
 * job environment, the working directory, the output mode and the placement wishes ({@code -hosts}, {@code -ppn},
 * machinefile entries). The root adds the job id, the hosts in tree order (itself first) and each rank's host;
 * from these every mpd derives its place in the tree. Encoded as {@code key=value} lines in a message body.
 *
 * @param jid          job id, {@code N@rootid} (empty until the root assigns it)
 * @param user         who submitted it
 * @param wdir         working directory of every rank
 * @param output       {@code label}, {@code merged} or {@code discard}
 * @param env          the job environment, {@code NAME=value}
 * @param sets         the rank sets, in rank order
 * @param hostsWanted  {@code -hosts} selection (mpd ids or host names), empty for all
 * @param ppn          ranks per host, 0 for round-robin
 * @param machines     machinefile entries {@code host[:count]}, empty for none
 * @param treeHosts    member ids in tree order, root first (empty until placed)
 * @param rankHost     for each rank, its index in {@code treeHosts} (empty until placed)
 * @param fanout       children per tree node
 * @param graceMillis  time between SIGTERM and SIGKILL when the job is killed
 * @param preput       {@code KEY=value} entries the job's key-value space starts with (a spawned job's)
 * @param parentJid    the job that spawned this one, or empty
 */
public record JobSpec(String jid, String user, String wdir, String output, List<String> env, List<RankSet> sets,
                      List<String> hostsWanted, int ppn, List<String> machines, List<String> treeHosts, int[] rankHost,
                      int fanout, long graceMillis, List<String> preput, String parentJid) {

    /**
     * One MPMD argument set: {@code count} ranks running the same program.
     *
     * @param count ranks in the set
     * @param exec  the program
     * @param args  its arguments (argv[1..])
     * @param env   extra environment for these ranks ({@code -env}), {@code NAME=value}
     */
    public record RankSet(int count, String exec, List<String> args, List<String> env) {
        /** Copies the lists. */
        public RankSet {
            args = List.copyOf(args);
            env = List.copyOf(env);
        }
    }

    /** Copies the lists. */
    public JobSpec {
        env = List.copyOf(env);
        sets = List.copyOf(sets);
        hostsWanted = List.copyOf(hostsWanted);
        machines = List.copyOf(machines);
        treeHosts = List.copyOf(treeHosts);
        rankHost = rankHost.clone();
        preput = List.copyOf(preput);
        parentJid = parentJid == null ? "" : parentJid;
    }

    /** @return whether this job was started by MPI_Comm_spawn */
    public boolean spawned() {
        return !parentJid.isEmpty();
    }

    /**
     * @param rank a rank
     * @return the index of its MPMD set (its PMI appnum)
     */
    public int appnum(int rank) {
        int first = 0;
        for (int i = 0; i < sets.size(); i++) {
            if (rank < first + sets.get(i).count()) {
                return i;
            }
            first += sets.get(i).count();
        }
        throw new IllegalArgumentException("rank " + rank + " is outside a job of " + size());
    }

    /** @return the number of ranks */
    public int size() {
        return sets.stream().mapToInt(RankSet::count).sum();
    }

    /**
     * @param rank a rank
     * @return the set it belongs to
     */
    public RankSet setOf(int rank) {
        int first = 0;
        for (RankSet set : sets) {
            if (rank < first + set.count()) {
                return set;
            }
            first += set.count();
        }
        throw new IllegalArgumentException("rank " + rank + " is outside a job of " + size());
    }

    /**
     * @param newJid     the job id
     * @param tree       member ids in tree order
     * @param placement  each rank's index in {@code tree}
     * @param newFanout  the tree's fan-out
     * @param grace      the kill grace
     * @return the placed spec
     */
    public JobSpec placed(String newJid, List<String> tree, int[] placement, int newFanout, long grace) {
        return new JobSpec(newJid, user, wdir, output, env, sets, hostsWanted, ppn, machines, tree, placement, newFanout, grace,
                preput, parentJid);
    }

    /**
     * @param index a node's index in {@link #treeHosts}
     * @return its parent's index, or -1 for the root
     */
    public int parentOf(int index) {
        return index == 0 ? -1 : (index - 1) / fanout;
    }

    /**
     * @param index a node's index in {@link #treeHosts}
     * @return its children's indexes
     */
    public List<Integer> childrenOf(int index) {
        List<Integer> children = new ArrayList<>();
        for (int c = fanout * index + 1; c <= fanout * index + fanout && c < treeHosts.size(); c++) {
            children.add(c);
        }
        return children;
    }

    /**
     * @param hostIndex a node's index
     * @return the ranks placed on it, ascending
     */
    public List<Integer> ranksOn(int hostIndex) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < rankHost.length; r++) {
            if (rankHost[r] == hostIndex) {
                ranks.add(r);
            }
        }
        return ranks;
    }

    /** @return the encoded body */
    public byte[] encode() {
        StringBuilder text = new StringBuilder(1024);
        line(text, "jid", jid);
        line(text, "user", user);
        line(text, "wdir", wdir);
        line(text, "output", output);
        line(text, "ppn", Integer.toString(ppn));
        line(text, "fanout", Integer.toString(fanout));
        line(text, "grace", Long.toString(graceMillis));
        env.forEach(e -> line(text, "env", e));
        hostsWanted.forEach(h -> line(text, "host", h));
        machines.forEach(m -> line(text, "machine", m));
        for (RankSet set : sets) {
            line(text, "set", Integer.toString(set.count()));
            line(text, "exec", set.exec());
            set.args().forEach(a -> line(text, "arg", a));
            set.env().forEach(e -> line(text, "setenv", e));
        }
        preput.forEach(p -> line(text, "preput", p));
        if (!parentJid.isEmpty()) {
            line(text, "parent", parentJid);
        }
        treeHosts.forEach(h -> line(text, "tree", h));
        if (rankHost.length > 0) {
            line(text, "place", runs(rankHost));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String runs(int[] values) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < values.length) {
            int j = i;
            while (j < values.length && values[j] == values[i]) {
                j++;
            }
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(values[i]).append('x').append(j - i);
            i = j;
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String key, String value) {
        if (value == null) {
            return;
        }
        text.append(key).append('=');
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c == '%' || c == 0x7f) {
                text.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                text.append((char) c);
            }
        }
        text.append('\n');
    }

    /**
     * @param body an encoded spec
     * @return the spec
     * @throws MalformedMessageException if a line is malformed or a value out of range
     */
    public static JobSpec decode(byte[] body) throws MalformedMessageException {
        String jid = "";
        String user = "";
        String wdir = "/";
        String output = "merged";
        int ppn = 0;
        int fanout = 4;
        long grace = 5000;
        List<String> env = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        List<String> machines = new ArrayList<>();
        List<String> tree = new ArrayList<>();
        List<String> preput = new ArrayList<>();
        String parent = "";
        List<RankSet> sets = new ArrayList<>();
        int[] place = new int[0];
        int count = -1;
        String exec = null;
        List<String> args = new ArrayList<>();
        List<String> setEnv = new ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String raw : text.split("\n")) {
            if (raw.isEmpty()) {
                continue;
            }
            int equals = raw.indexOf('=');
            if (equals <= 0) {
                throw new MalformedMessageException("job line without key=value");
            }
            String key = raw.substring(0, equals);
            String value = unescape(raw.substring(equals + 1));
            switch (key) {
                case "jid" -> jid = value;
                case "user" -> user = value;
                case "wdir" -> wdir = value;
                case "output" -> output = value;
                case "ppn" -> ppn = (int) number(value, 0, 1_000_000);
                case "fanout" -> fanout = (int) number(value, 2, 1024);
                case "grace" -> grace = number(value, 0, 3_600_000);
                case "env" -> env.add(value);
                case "host" -> hosts.add(value);
                case "machine" -> machines.add(value);
                case "tree" -> tree.add(value);
                case "place" -> place = unruns(value);
                case "preput" -> preput.add(value);
                case "parent" -> parent = value;
                case "set" -> {
                    if (count >= 0) {
                        sets.add(new RankSet(count, require(exec), args, setEnv));
                    }
                    count = (int) number(value, 1, 10_000_000);
                    exec = null;
                    args = new ArrayList<>();
                    setEnv = new ArrayList<>();
                }
                case "exec" -> exec = value;
                case "arg" -> args.add(value);
                case "setenv" -> setEnv.add(value);
                default -> throw new MalformedMessageException("unknown job line " + key);
            }
        }
        if (count >= 0) {
            sets.add(new RankSet(count, require(exec), args, setEnv));
        }
        if (sets.isEmpty()) {
            throw new MalformedMessageException("job without ranks");
        }
        if (!output.equals("label") && !output.equals("merged") && !output.equals("discard")) {
            throw new MalformedMessageException("output must be label, merged or discard");
        }
        JobSpec spec = new JobSpec(jid, user, wdir, output, env, sets, hosts, ppn, machines, tree, place, fanout, grace,
                preput, parent);
        if (place.length != 0 && place.length != spec.size()) {
            throw new MalformedMessageException("placement covers " + place.length + " ranks of " + spec.size());
        }
        for (int host : place) {
            if (host < 0 || host >= tree.size()) {
                throw new MalformedMessageException("placement names a host outside the tree");
            }
        }
        return spec;
    }

    private static String require(String exec) throws MalformedMessageException {
        if (exec == null || exec.isEmpty()) {
            throw new MalformedMessageException("rank set without exec");
        }
        return exec;
    }

    private static long number(String value, long min, long max) throws MalformedMessageException {
        try {
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw new MalformedMessageException("number out of range: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MalformedMessageException("not a number: " + value);
        }
    }

    private static int[] unruns(String value) throws MalformedMessageException {
        List<Integer> values = new ArrayList<>();
        for (String run : value.split(",")) {
            int x = run.indexOf('x');
            if (x <= 0) {
                throw new MalformedMessageException("bad placement run");
            }
            int host = (int) number(run.substring(0, x), 0, 1_000_000);
            int times = (int) number(run.substring(x + 1), 1, 10_000_000);
            if (values.size() + times > 10_000_000) {
                throw new MalformedMessageException("placement too large");
            }
            for (int i = 0; i < times; i++) {
                values.add(host);
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String unescape(String value) throws MalformedMessageException {
        if (value.indexOf('%') < 0) {
            return value;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length());
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                if (i + 2 >= bytes.length) {
                    throw new MalformedMessageException("truncated %-escape");
                }
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedMessageException("bad %-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
