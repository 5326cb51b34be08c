package org.sss.processmanager.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.lib.wire.Principal;
import org.sss.mpd.client.JobRequest;
import org.sss.schema.ArgType;
import org.sss.schema.CreatepgType;
import org.sss.schema.EnvType;
import org.sss.schema.LimitType;
import org.sss.schema.PgSpec;

/**
 * Checks a {@code create-process-group} request and turns it into what the ring runs: the rank sets in rank order,
 * each rank's host where the request says, and whom the group belongs to and runs as.
 *
 * <p>Rules: the {@code range}s of all process-specs cover the group exactly once, numbered from 0 (MPI ranks) or
 * from 1 (the seed's example); one spec without a range covers every rank. {@code arg}s go in {@code idx} order
 * (1 is argv[1]). {@code host-spec} entries are slots: rank i runs on entry i modulo their count; a spec's own
 * {@code host} list does the same for its ranks. A user principal may only submit as itself and run as itself
 * (the default for it). A process-spec that names no user runs as the caller: a user principal's user; for a
 * component or administrator key, the account that holds the key's file, which is the account the process manager
 * runs as (it reads every key; they are readable by their owner only). The user is always explicit in the plan, so
 * that the mpds never fall back to their own account (root, on a cluster). Nobody may run processes as root unless
 * the configuration allows it. Stateless.
 */
final class GroupPlanner {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,31}\\$?");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    private final boolean allowRoot;
    private final String ownAccount;

    /**
     * @param allowRoot  whether processes may run as root
     * @param ownAccount the account the process manager runs as: who a privileged caller's process-spec without a
     *                   user runs as
     */
    GroupPlanner(boolean allowRoot, String ownAccount) {
        this.allowRoot = allowRoot;
        this.ownAccount = ownAccount;
    }

    /**
     * A checked request.
     *
     * @param submitter  whom the group belongs to
     * @param totalprocs its size
     * @param outputMode label, merged or discard
     * @param sets       the ring's rank sets, in rank order
     * @param hostOfRank each rank's host, or null where the request does not say
     * @param execOfRank each rank's program
     */
    record Plan(String submitter, int totalprocs, String outputMode, List<JobRequest.ProcessSet> sets, String[] hostOfRank,
                String[] execOfRank) {
        /** @return whether every rank has a host */
        boolean fullyPlaced() {
            return Arrays.stream(hostOfRank).allMatch(h -> h != null);
        }

        /** @return each rank's co-process executable ({@code null} where it has none) */
        String[] coExecOfRank() {
            String[] co = new String[totalprocs];
            int rank = 0;
            for (JobRequest.ProcessSet set : sets) {
                for (int i = 0; i < set.count(); i++) {
                    co[rank++] = set.coProcess();
                }
            }
            return co;
        }
    }

    /**
     * @param request   the request
     * @param principal who sends it
     * @return the plan
     * @throws SssException permission-denied or bad-value, saying what is wrong
     */
    Plan plan(CreatepgType request, Principal principal) throws SssException {
        String submitter = submitter(request, principal);
        int size = request.getTotalprocs();
        List<PgSpec> specs = new ArrayList<>();
        List<String> hostSlots = new ArrayList<>();
        for (Object item : request.getProcessSpecOrHostSpec()) {
            if (item instanceof PgSpec spec) {
                specs.add(spec);
            } else if (item instanceof String hosts) {
                hostSlots.addAll(Words.list(hosts));
            }
        }
        if (specs.isEmpty()) {
            throw SssException.badValue("create-process-group needs at least one process-spec");
        }
        PgSpec[] specOfRank = assignRanks(specs, size);
        String[] hostOfRank = new String[size];
        if (!hostSlots.isEmpty()) {
            for (int rank = 0; rank < size; rank++) {
                hostOfRank[rank] = hostSlots.get(rank % hostSlots.size());
            }
        }
        for (PgSpec spec : specs) {
            if (spec.getHost() != null && !spec.getHost().isBlank()) {
                List<String> own = Words.list(spec.getHost());
                int k = 0;
                for (int rank = 0; rank < size; rank++) {
                    if (specOfRank[rank] == spec) {
                        hostOfRank[rank] = own.get(k++ % own.size());
                    }
                }
            }
        }
        List<JobRequest.ProcessSet> sets = new ArrayList<>();
        String[] execOfRank = new String[size];
        int rank = 0;
        while (rank < size) {
            PgSpec spec = specOfRank[rank];
            int end = rank;
            while (end < size && specOfRank[end] == spec) {
                execOfRank[end] = spec.getExec();
                end++;
            }
            sets.add(processSet(spec, end - rank, principal));
            rank = end;
        }
        String mode = request.getOutput() == null ? "merged" : request.getOutput().value();
        return new Plan(submitter, size, mode, sets, hostOfRank, execOfRank);
    }

    private static String submitter(CreatepgType request, Principal principal) throws SssException {
        String asked = request.getSubmitter();
        if (principal.isPrivileged()) {
            return asked == null || asked.isBlank() ? principal.name() : asked;
        }
        if (asked != null && !asked.equals(principal.user())) {
            throw SssException.permissionDenied(principal + " may not submit process groups for " + asked);
        }
        return principal.user();
    }

    private static PgSpec[] assignRanks(List<PgSpec> specs, int size) throws SssException {
        PgSpec[] specOfRank = new PgSpec[size];
        if (specs.size() == 1 && specs.getFirst().getRange() == null) {
            Arrays.fill(specOfRank, specs.getFirst());
            return specOfRank;
        }
        TreeMap<Integer, PgSpec> numbered = new TreeMap<>();
        for (PgSpec spec : specs) {
            if (spec.getRange() == null) {
                throw SssException.badValue("process-spec " + spec.getExec() + " has no range; with several process-specs"
                        + " every one needs a range");
            }
            for (int index : range(spec.getRange(), size)) {
                if (numbered.put(index, spec) != null) {
                    throw SssException.badValue("rank " + index + " is in the range of more than one process-spec");
                }
            }
        }
        int base;
        if (numbered.size() == size && numbered.firstKey() == 0 && numbered.lastKey() == size - 1) {
            base = 0;
        } else if (numbered.size() == size && numbered.firstKey() == 1 && numbered.lastKey() == size) {
            base = 1;
        } else {
            throw SssException.badValue("the process-spec ranges cover " + numbered.size() + " ranks (" + numbered.firstKey()
                    + " to " + numbered.lastKey() + "); together they must cover 0-" + (size - 1) + " (or 1-" + size
                    + ") exactly once for totalprocs=" + size);
        }
        numbered.forEach((index, spec) -> specOfRank[index - base] = spec);
        return specOfRank;
    }

    /** Parses {@code A-B,C,...} (whitespace allowed); indexes must lie in 0..size. */
    static List<Integer> range(String text, int size) throws SssException {
        List<Integer> indexes = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.strip();
            int dash = item.indexOf('-', 1);
            try {
                int from = Integer.parseInt(dash < 0 ? item : item.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(item.substring(dash + 1).strip());
                if (from < 0 || to < from || to > size) {
                    throw SssException.badValue("range '" + text + "': '" + item + "' is outside 0-" + size
                            + " or runs backwards");
                }
                for (int i = from; i <= to; i++) {
                    indexes.add(i);
                }
            } catch (NumberFormatException e) {
                throw SssException.badValue("range '" + text + "' is not A-B, N or a comma list of those");
            }
        }
        return indexes;
    }

    private JobRequest.ProcessSet processSet(PgSpec spec, int count, Principal principal) throws SssException {
        TreeMap<Integer, String> args = new TreeMap<>();
        List<String> env = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        String path = spec.getPath() != null ? spec.getPath().replaceAll("\\s+", "") : DEFAULT_PATH;
        env.add("PATH=" + path);
        for (Object item : spec.getArgOrEnvOrLimit()) {
            switch (item) {
                case ArgType arg -> {
                    int idx;
                    try {
                        idx = Integer.parseInt(arg.getIdx().strip());
                    } catch (NumberFormatException e) {
                        throw SssException.badValue("arg idx '" + arg.getIdx() + "' is not a number");
                    }
                    if (idx < 1 || args.put(idx, arg.getValue()) != null) {
                        throw SssException.badValue("arg idx " + idx + " is below 1 or given twice");
                    }
                }
                case EnvType variable -> {
                    if (!ENV_NAME.matcher(variable.getName()).matches()) {
                        throw SssException.badValue("env name '" + variable.getName() + "' is not a variable name");
                    }
                    env.add(variable.getName() + "=" + variable.getValue());
                }
                case LimitType limit -> limits.add(limit.getType().value() + "=" + limit.getValue());
                default -> throw SssException.badValue("unexpected element in process-spec");
            }
        }
        String runAs = runAs(spec, principal);
        return new JobRequest.ProcessSet(count, spec.getExec(), List.copyOf(args.values()), env, runAs, limits,
                spec.getCoProcess() == null ? "" : spec.getCoProcess().strip(),
                spec.getCwd() == null || spec.getCwd().isBlank() ? JobRequest.HOME : spec.getCwd(),
                outputFile(spec.getStdout(), "stdout"), outputFile(spec.getStderr(), "stderr"));
    }

    /** An output file of a process-spec (XML can carry no NUL, so only a blank one is refused), or empty when not given. */
    private static String outputFile(String path, String attribute) throws SssException {
        if (path == null) {
            return "";
        }
        if (path.isBlank()) {
            throw SssException.badValue(attribute + " '" + path + "' is not a file name");
        }
        return path;
    }

    private String runAs(PgSpec spec, Principal principal) throws SssException {
        String asked = spec.getUser();
        String user = asked == null || asked.isBlank() ? null : asked.strip();
        if (!principal.isPrivileged()) {
            if (user != null && !user.equals(principal.user())) {
                throw SssException.permissionDenied(principal + " may not run processes as " + user);
            }
            user = principal.user();
        }
        boolean named = user != null;
        if (!named) {
            user = principal.user() != null && !principal.user().isBlank() ? principal.user() : ownAccount;
        }
        if (!USER_NAME.matcher(user).matches()) {
            throw SssException.badValue("user '" + user + "' is not a user name");
        }
        if (user.equals("root") && !allowRoot) {
            if (named) {
                throw SssException.permissionDenied("processes may not run as root (the process manager's allow-root is off)");
            }
            throw SssException.permissionDenied("process-spec " + spec.getExec() + " names no user, so it would run as root,"
                    + " the account of " + principal + "; name one (user=\"NAME\") or set the process manager's"
                    + " allow-root=\"true\"");
        }
        return user;
    }
}
