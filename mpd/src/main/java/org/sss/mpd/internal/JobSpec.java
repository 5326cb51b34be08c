package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parallel job as mpiexec (or the process manager) asks for it and as the root mpd passes it down the launch tree.
 *
 * <p>From the console: the rank sets (MPMD: each with a count, an executable, arguments, extra environment and,
 * for the process manager, a user, resource limits and a co-process), the job environment, the working directory,
 * the output mode, the placement wishes and how the job is supervised. The root adds the job id, the hosts in tree
 * order (itself first) and each rank's host; from these every mpd derives its place in the tree. Encoded as
 * {@code key=value} lines in a message body.
 *
 * @param jid          job id, {@code N@rootid} (empty until the root assigns it)
 * @param user         who submitted it
 * @param wdir         working directory of every rank
 * @param output       {@code label}, {@code merged} or {@code discard}
 * @param env          the job environment, {@code NAME=value}
 * @param sets         the rank sets, in rank order
 * @param wishes       where the console wants the ranks
 * @param treeHosts    member ids in tree order, root first (empty until placed)
 * @param rankHost     for each rank, its index in {@code treeHosts} (empty until placed)
 * @param fanout       children per tree node
 * @param graceMillis  time between SIGTERM and SIGKILL when the job is killed
 * @param preput       {@code KEY=value} entries the job's key-value space starts with (a spawned job's)
 * @param parentJid    the job that spawned this one, or empty
 * @param supervision  whether the job outlives its console, and what the root keeps for one that reattaches
 */
public record JobSpec(String jid, String user, String wdir, String output, List<String> env, List<RankSet> sets,
                      Wishes wishes, List<String> treeHosts, int[] rankHost, int fanout, long graceMillis,
                      List<String> preput, String parentJid, Supervision supervision) {

    /** Resource limit names a rank set may carry (those of setrlimit(2) that sss-exec knows). */
    public static final java.util.Set<String> LIMIT_NAMES =
            java.util.Set.of("as", "core", "cpu", "data", "fsize", "memlock", "nofile", "nproc", "rss", "stack");

    /**
     * One MPMD argument set: {@code count} ranks running the same program.
     *
     * @param count     ranks in the set
     * @param exec      the program
     * @param args      its arguments (argv[1..])
     * @param env       extra environment for these ranks ({@code -env}), {@code NAME=value}
     * @param runAs     the user the ranks run as; empty for the mpd's own user
     * @param limits    resource limits, {@code NAME=SOFT[:HARD]} with NAME one of {@link #LIMIT_NAMES}
     * @param coProcess a program started once per host after the set's local ranks, or empty
     * @param wdir      working directory of the set's ranks ({@code ~}: the home of the user they run as), or
     *                  empty for the job's
     * @param stdout    a file each rank's standard output goes to instead of the console (opened, created mode 0600
     *                  and truncated by the user the rank runs as, in its working directory, before the program
     *                  starts), or empty
     * @param stderr    the same for standard error; the same path as {@code stdout} joins the two in one file
     */
    public record RankSet(int count, String exec, List<String> args, List<String> env, String runAs, List<String> limits,
                          String coProcess, String wdir, String stdout, String stderr) {
        /** Copies the lists. */
        public RankSet {
            args = List.copyOf(args);
            env = List.copyOf(env);
            limits = List.copyOf(limits);
            runAs = runAs == null ? "" : runAs;
            coProcess = coProcess == null ? "" : coProcess;
            wdir = wdir == null ? "" : wdir;
            stdout = stdout == null ? "" : stdout;
            stderr = stderr == null ? "" : stderr;
        }

        /**
         * A set whose output goes to the console.
         *
         * @param count     ranks
         * @param exec      program
         * @param args      arguments
         * @param env       extra environment
         * @param runAs     user, or empty
         * @param limits    resource limits
         * @param coProcess co-process, or empty
         * @param wdir      working directory, or empty
         */
        public RankSet(int count, String exec, List<String> args, List<String> env, String runAs, List<String> limits,
                       String coProcess, String wdir) {
            this(count, exec, args, env, runAs, limits, coProcess, wdir, "", "");
        }

        /**
         * @param user the user the ranks run as
         * @return a copy run as that user
         */
        public RankSet runningAs(String user) {
            return new RankSet(count, exec, args, env, user, limits, coProcess, wdir, stdout, stderr);
        }

        /**
         * A set run as the mpd's user, without limits or co-process.
         *
         * @param count ranks
         * @param exec  program
         * @param args  arguments
         * @param env   extra environment
         */
        public RankSet(int count, String exec, List<String> args, List<String> env) {
            this(count, exec, args, env, "", List.of(), "", "");
        }
    }

    /**
     * Where the console wants the ranks; at most one of the forms is used, in this order of precedence.
     *
     * @param at       each rank's host by name (mpd id or host name), for exact placement; empty for none
     * @param machines machinefile entries {@code host[:count]}, empty for none
     * @param hosts    {@code -hosts} selection (mpd ids or host names), empty for all
     * @param ppn      ranks per host, 0 for round-robin
     */
    public record Wishes(List<String> at, List<String> machines, List<String> hosts, int ppn) {
        /** No wishes: round-robin over the ring. */
        public static final Wishes NONE = new Wishes(List.of(), List.of(), List.of(), 0);

        /** Copies the lists. */
        public Wishes {
            at = List.copyOf(at);
            machines = List.copyOf(machines);
            hosts = List.copyOf(hosts);
        }
    }

    /**
     * How a job relates to the console that started it.
     *
     * @param detached  whether the job keeps running when its console disconnects (the process manager's jobs);
     *                  the root then reports every rank's pid, keeps what it sent for a console that reattaches and
     *                  keeps the job's end until it is released
     * @param tag       the owner's label for the job, listed with it (the process manager's pgid)
     * @param keepBytes output kept for replay to a reattaching console, at most
     */
    public record Supervision(boolean detached, String tag, long keepBytes) {
        /** An mpiexec job: it ends when its console goes. */
        public static final Supervision ATTACHED = new Supervision(false, "", 0);

        /** Checks the tag. */
        public Supervision {
            tag = tag == null ? "" : tag;
        }
    }

    /** Copies the lists. */
    public JobSpec {
        env = List.copyOf(env);
        sets = List.copyOf(sets);
        treeHosts = List.copyOf(treeHosts);
        rankHost = rankHost.clone();
        preput = List.copyOf(preput);
        parentJid = parentJid == null ? "" : parentJid;
        wishes = wishes == null ? Wishes.NONE : wishes;
        supervision = supervision == null ? Supervision.ATTACHED : supervision;
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
        return new JobSpec(newJid, user, wdir, output, env, sets, wishes, tree, placement, newFanout, grace, preput, parentJid,
                supervision);
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
        line(text, "ppn", Integer.toString(wishes.ppn()));
        line(text, "fanout", Integer.toString(fanout));
        line(text, "grace", Long.toString(graceMillis));
        if (supervision.detached()) {
            line(text, "detach", supervision.tag());
            line(text, "keep", Long.toString(supervision.keepBytes()));
        }
        env.forEach(e -> line(text, "env", e));
        wishes.hosts().forEach(h -> line(text, "host", h));
        wishes.machines().forEach(m -> line(text, "machine", m));
        if (!wishes.at().isEmpty()) {
            line(text, "at", nameRuns(wishes.at()));
        }
        for (RankSet set : sets) {
            line(text, "set", Integer.toString(set.count()));
            line(text, "exec", set.exec());
            set.args().forEach(a -> line(text, "arg", a));
            set.env().forEach(e -> line(text, "setenv", e));
            if (!set.runAs().isEmpty()) {
                line(text, "runas", set.runAs());
            }
            set.limits().forEach(l -> line(text, "limit", l));
            if (!set.coProcess().isEmpty()) {
                line(text, "coproc", set.coProcess());
            }
            if (!set.wdir().isEmpty()) {
                line(text, "setwdir", set.wdir());
            }
            if (!set.stdout().isEmpty()) {
                line(text, "stdout", set.stdout());
            }
            if (!set.stderr().isEmpty()) {
                line(text, "stderr", set.stderr());
            }
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

    private static String nameRuns(List<String> names) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < names.size()) {
            int j = i;
            while (j < names.size() && names.get(j).equals(names.get(i))) {
                j++;
            }
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(names.get(i)).append('*').append(j - i);
            i = j;
        }
        return text.toString();
    }

    private static List<String> unnameRuns(String value) throws MalformedMessageException {
        List<String> names = new ArrayList<>();
        for (String run : value.split(",")) {
            int star = run.lastIndexOf('*');
            if (star <= 0) {
                throw new MalformedMessageException("bad host run in at=");
            }
            int times = (int) number(run.substring(star + 1), 1, 10_000_000);
            if (names.size() + times > 10_000_000) {
                throw new MalformedMessageException("placement too large");
            }
            for (int i = 0; i < times; i++) {
                names.add(run.substring(0, star));
            }
        }
        return names;
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
        Decoder decoder = new Decoder();
        String text = new String(body, StandardCharsets.UTF_8);
        for (String raw : text.split("\n")) {
            if (raw.isEmpty()) {
                continue;
            }
            int equals = raw.indexOf('=');
            if (equals <= 0) {
                throw new MalformedMessageException("job line without key=value");
            }
            decoder.line(raw.substring(0, equals), unescape(raw.substring(equals + 1)));
        }
        return decoder.spec();
    }

    /** Collects decoded lines into a spec. */
    private static final class Decoder {
        private String jid = "";
        private String user = "";
        private String wdir = "/";
        private String output = "merged";
        private int ppn;
        private int fanout = 4;
        private long grace = 5000;
        private boolean detached;
        private String tag = "";
        private long keep;
        private final List<String> env = new ArrayList<>();
        private final List<String> hosts = new ArrayList<>();
        private final List<String> machines = new ArrayList<>();
        private List<String> at = List.of();
        private final List<String> tree = new ArrayList<>();
        private final List<String> preput = new ArrayList<>();
        private String parent = "";
        private final List<RankSet> sets = new ArrayList<>();
        private int[] place = new int[0];
        private int count = -1;
        private String exec;
        private List<String> args = new ArrayList<>();
        private List<String> setEnv = new ArrayList<>();
        private String runAs = "";
        private List<String> limits = new ArrayList<>();
        private String coProcess = "";
        private String setWdir = "";
        private String stdout = "";
        private String stderr = "";

        void line(String key, String value) throws MalformedMessageException {
            switch (key) {
                case "jid" -> jid = value;
                case "user" -> user = value;
                case "wdir" -> wdir = value;
                case "output" -> output = value;
                case "ppn" -> ppn = (int) number(value, 0, 1_000_000);
                case "fanout" -> fanout = (int) number(value, 2, 1024);
                case "grace" -> grace = number(value, 0, 3_600_000);
                case "detach" -> {
                    detached = true;
                    tag = value;
                }
                case "keep" -> keep = number(value, 0, 1L << 34);
                case "env" -> env.add(value);
                case "host" -> hosts.add(value);
                case "machine" -> machines.add(value);
                case "at" -> at = unnameRuns(value);
                case "tree" -> tree.add(value);
                case "place" -> place = unruns(value);
                case "preput" -> preput.add(value);
                case "parent" -> parent = value;
                case "set" -> {
                    endSet();
                    count = (int) number(value, 1, 10_000_000);
                }
                case "exec" -> exec = value;
                case "arg" -> args.add(value);
                case "setenv" -> setEnv.add(value);
                case "runas" -> runAs = value;
                case "limit" -> limits.add(limit(value));
                case "coproc" -> coProcess = value;
                case "setwdir" -> setWdir = value;
                case "stdout" -> stdout = value;
                case "stderr" -> stderr = value;
                default -> throw new MalformedMessageException("unknown job line " + key);
            }
        }

        private static String limit(String value) throws MalformedMessageException {
            int equals = value.indexOf('=');
            if (equals <= 0 || !LIMIT_NAMES.contains(value.substring(0, equals))) {
                throw new MalformedMessageException("limit must be NAME=SOFT[:HARD] with NAME one of " + LIMIT_NAMES);
            }
            return value;
        }

        private void endSet() throws MalformedMessageException {
            if (count >= 0) {
                sets.add(new RankSet(count, require(exec), args, setEnv, runAs, limits, coProcess, setWdir, stdout, stderr));
            }
            count = -1;
            exec = null;
            args = new ArrayList<>();
            setEnv = new ArrayList<>();
            runAs = "";
            limits = new ArrayList<>();
            coProcess = "";
            setWdir = "";
            stdout = "";
            stderr = "";
        }

        JobSpec spec() throws MalformedMessageException {
            endSet();
            if (sets.isEmpty()) {
                throw new MalformedMessageException("job without ranks");
            }
            if (!output.equals("label") && !output.equals("merged") && !output.equals("discard")) {
                throw new MalformedMessageException("output must be label, merged or discard");
            }
            JobSpec spec = new JobSpec(jid, user, wdir, output, env, sets, new Wishes(at, machines, hosts, ppn), tree, place,
                    fanout, grace, preput, parent, new Supervision(detached, tag, keep));
            if (place.length != 0 && place.length != spec.size()) {
                throw new MalformedMessageException("placement covers " + place.length + " ranks of " + spec.size());
            }
            if (!at.isEmpty() && at.size() != spec.size()) {
                throw new MalformedMessageException("at= names hosts for " + at.size() + " ranks of " + spec.size());
            }
            for (int host : place) {
                if (host < 0 || host >= tree.size()) {
                    throw new MalformedMessageException("placement names a host outside the tree");
                }
            }
            return spec;
        }
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
