package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The wire form of a {@link JobSpec}: the body of {@code launch}, {@code job-start} and {@code job-spawn}
 * messages, one {@code key=value} line per item (docs/MPD-PROTOCOL.md lists the keys).
 *
 * <p>Values escape the bytes below 0x20, {@code %} and 0x7f as {@code %xx}, so a value may hold any byte but NUL
 * and a line never breaks; every other byte, UTF-8 included, goes as it is. Job-wide lines come first, then each
 * rank set as a {@code set=COUNT} line followed by its own lines, then the placement the root adds. A rank set's
 * lines belong to the last {@code set=} before them (before the first they are ignored); job-wide keys may come
 * anywhere, and a repeated single-valued key keeps its last value. Decoding checks every number's range and that
 * a placement covers every rank, so a hostile console cannot make an mpd allocate without bound. mpiexec.c writes
 * the same form (its {@code wire_job_spec}); the golden-message test holds both to the same bytes. Stateless.
 */
public final class JobSpecCodec {
    private JobSpecCodec() {
    }

    /**
     * @param spec a job spec
     * @return its encoded form, a message body
     */
    public static byte[] encode(JobSpec spec) {
        StringBuilder text = new StringBuilder(1024 + 24 * spec.treeHosts().size());
        JobSpec.Wishes wishes = spec.wishes();
        JobSpec.Supervision supervision = spec.supervision();
        line(text, "jid", spec.jid());
        line(text, "user", spec.user());
        line(text, "wdir", spec.wdir());
        line(text, "output", spec.output());
        line(text, "ppn", Integer.toString(wishes.ppn()));
        line(text, "fanout", Integer.toString(spec.fanout()));
        line(text, "grace", Long.toString(spec.graceMillis()));
        if (spec.pmi() != PmiMode.BOTH) {
            line(text, "pmi", spec.pmi().wire());
        }
        if (supervision.keepGoing()) {
            line(text, "keepgoing", "1");
        }
        if (supervision.detached()) {
            line(text, "detach", supervision.tag());
            line(text, "keep", Long.toString(supervision.keepBytes()));
        }
        spec.env().forEach(e -> line(text, "env", e));
        wishes.hosts().forEach(h -> line(text, "host", h));
        wishes.machines().forEach(m -> line(text, "machine", m));
        if (!wishes.at().isEmpty()) {
            line(text, "at", nameRuns(wishes.at()));
        }
        for (JobSpec.RankSet set : spec.sets()) {
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
        Confinement held = spec.confinement();
        if (held.grouped()) {
            line(text, "cgroup", held.name());
        }
        held.allocation().forEach(h -> line(text, "alloc", h));
        if (held.memoryBytes() > 0) {
            line(text, "memlimit", Long.toString(held.memoryBytes()));
        }
        if (held.cpuSeconds() > 0) {
            line(text, "cpulimit", Long.toString(held.cpuSeconds()));
        }
        if (!held.owner().isEmpty()) {
            line(text, "owner", held.owner());
        }
        spec.preput().forEach(p -> line(text, "preput", p));
        if (!spec.parentJid().isEmpty()) {
            line(text, "parent", spec.parentJid());
        }
        HostRuns.encode(spec.treeHosts(), (key, value) -> line(text, key, value));
        if (spec.rankHost().length > 0) {
            line(text, "place", PlacementRuns.encode(spec.rankHost()));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
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
            int times = (int) number(run.substring(star + 1), 1, JobSpec.MAX_RANKS);
            if (names.size() + times > JobSpec.MAX_RANKS) {
                throw new MalformedMessageException("placement too large");
            }
            String name = run.substring(0, star);
            for (int i = 0; i < times; i++) {
                names.add(name);
            }
        }
        return names;
    }

    private static void line(StringBuilder text, String key, String value) {
        if (value == null) {
            return;
        }
        text.append(key).append('=');
        if (plain(value)) {
            text.append(value).append('\n');
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '%' || c == 0x7f) {
                text.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                text.append(c); // UTF-8 (the whole text's encoding below) goes as it is
            }
        }
        text.append('\n');
    }

    /** @return whether every character of the value goes as it is: printable ASCII but {@code %} */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '%' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param body an encoded spec
     * @return the spec
     * @throws MalformedMessageException if a line is malformed or a value out of range
     */
    public static JobSpec decode(byte[] body) throws MalformedMessageException {
        return decode(body, UnaryOperator.identity());
    }

    /**
     * @param body    an encoded spec
     * @param hostIds gives the instance of a tree host's id to keep (a ring member's own id string): a job's hosts
     *                each hold the tree for as long as the job runs, and at 1,024 hosts 1,024 copies of every id
     *                would be 50 MB
     * @return the spec
     * @throws MalformedMessageException if a line is malformed or a value out of range
     */
    public static JobSpec decode(byte[] body, UnaryOperator<String> hostIds) throws MalformedMessageException {
        // Straight from the bytes, a line at a time: a placed spec holds a line per host of the job and every host
        // decodes it, so no intermediate copies of the whole text.
        Decoder decoder = new Decoder();
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            if (end > start) {
                int equals = start;
                while (equals < end && body[equals] != '=') {
                    equals++;
                }
                if (equals == start || equals == end) {
                    throw new MalformedMessageException("job line without key=value");
                }
                decoder.line(new String(body, start, equals - start, StandardCharsets.UTF_8),
                        value(body, equals + 1, end));
            }
            start = end + 1;
        }
        decoder.tree.replaceAll(hostIds);
        return decoder.spec();
    }

    private static String value(byte[] body, int from, int to) throws MalformedMessageException {
        for (int i = from; i < to; i++) {
            if (body[i] == '%') {
                return unescape(new String(body, from, to - from, StandardCharsets.UTF_8));
            }
        }
        return new String(body, from, to - from, StandardCharsets.UTF_8);
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
        private boolean keepGoing;
        private String tag = "";
        private long keep;
        private PmiMode pmi = PmiMode.BOTH;
        private final List<String> env = new ArrayList<>();
        private final List<String> hosts = new ArrayList<>();
        private final List<String> machines = new ArrayList<>();
        private List<String> at = List.of();
        private final List<String> tree = new ArrayList<>();
        private final List<String> preput = new ArrayList<>();
        private String parent = "";
        private String cgroup = "";
        private final List<String> allocation = new ArrayList<>();
        private long memLimit;
        private long cpuLimit;
        private String owner = "";
        private final List<JobSpec.RankSet> sets = new ArrayList<>();
        private int[] place = new int[0];
        private long treeChars;
        private int ranks;
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
                case "pmi" -> pmi = pmiMode(value);
                case "keepgoing" -> keepGoing = number(value, 0, 1) == 1;
                case "env" -> env.add(value);
                case "host" -> hosts.add(value);
                case "machine" -> machines.add(value);
                case "at" -> at = unnameRuns(value);
                case "tree" -> {
                    treeChars += value.length();
                    tree.add(value);
                }
                case "trees" -> treeChars += HostRuns.expand(value, tree, HostRuns.MAX_TREE_CHARS - treeChars);
                case "place" -> place = PlacementRuns.decode(value);
                case "preput" -> preput.add(value);
                case "parent" -> parent = value;
                case "cgroup" -> cgroup = value;
                case "alloc" -> allocation.add(value);
                case "memlimit" -> memLimit = number(value, 0, Long.MAX_VALUE / 2);
                case "cpulimit" -> cpuLimit = number(value, 0, Long.MAX_VALUE / 2);
                case "owner" -> owner = value;
                case "set" -> {
                    endSet();
                    count = (int) number(value, 1, JobSpec.MAX_RANKS - ranks);
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

        private static PmiMode pmiMode(String value) throws MalformedMessageException {
            try {
                return PmiMode.of(value);
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(e.getMessage());
            }
        }

        private static String limit(String value) throws MalformedMessageException {
            int equals = value.indexOf('=');
            if (equals <= 0 || !JobSpec.LIMIT_NAMES.contains(value.substring(0, equals))) {
                throw new MalformedMessageException("limit must be NAME=SOFT[:HARD] with NAME one of " + JobSpec.LIMIT_NAMES);
            }
            return value;
        }

        private void endSet() throws MalformedMessageException {
            if (count >= 0) {
                ranks += count;
                sets.add(new JobSpec.RankSet(count, require(exec), args, setEnv, runAs, limits, coProcess, setWdir, stdout, stderr));
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

        private Confinement confinement() throws MalformedMessageException {
            try {
                return new Confinement(cgroup, allocation, memLimit, cpuLimit, owner);
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(e.getMessage());
            }
        }

        JobSpec spec() throws MalformedMessageException {
            endSet();
            if (sets.isEmpty()) {
                throw new MalformedMessageException("job without ranks");
            }
            if (!output.equals("label") && !output.equals("merged") && !output.equals("discard")) {
                throw new MalformedMessageException("output must be label, merged or discard");
            }
            JobSpec spec = new JobSpec(jid, user, wdir, output, env, sets, new JobSpec.Wishes(at, machines, hosts, ppn), tree, place,
                    fanout, grace, preput, parent, new JobSpec.Supervision(detached, tag, keep, keepGoing), pmi,
                    confinement());
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
