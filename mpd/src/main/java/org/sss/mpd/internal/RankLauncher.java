package org.sss.mpd.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts this mpd's processes for a job: works out once per job and rank set what its ranks share (the program's
 * path, argv and environment), and spawns each rank or co-process with {@code posix_spawn} in its own session.
 *
 * <p>What {@code posix_spawn} cannot do — resource limits, running as another user — is done by the
 * {@code sss-exec} helper (built with the module), spawned in the program's place for the sets that ask for it:
 * it applies the limits, drops to the user and executes the program. Running as another user needs a root mpd;
 * otherwise, and when the helper is missing, the set's ranks fail to start with a message saying why. A working
 * directory of {@value #HOME} is the home directory of the user the processes run as. A set's output files (its
 * {@code stdout} and {@code stderr}) are opened in the new process before the program starts, as the user it runs
 * as: by {@code posix_spawn}'s file actions, or by the helper once it has become that user.
 * Stateless apart from its settings; thread-safe.
 */
public final class RankLauncher {
    /** The working directory that means the home directory of the user the processes run as. */
    public static final String HOME = org.sss.mpd.client.JobRequest.HOME;

    private final Optional<Path> helper;
    private final String ownUser;
    private final boolean root;

    /**
     * @param helper  the sss-exec helper, if it exists
     * @param ownUser the user this mpd runs as
     * @param root    whether this mpd runs as root
     */
    RankLauncher(Optional<Path> helper, String ownUser, boolean root) {
        this.helper = helper;
        this.ownUser = ownUser;
        this.root = root;
    }

    /**
     * @param helperOverride the helper to use instead of the one built next to the module's classes
     * @return a launcher for this process, running ranks as its user unless it is root
     */
    public static RankLauncher forThisProcess(Optional<Path> helperOverride) {
        Optional<Path> helper = helperOverride.isPresent() ? helperOverride.filter(Files::isExecutable) : builtHelper();
        return new RankLauncher(helper, System.getProperty("user.name", ""), Posix.uid() == 0);
    }

    /** The helper built with the module: next to its classes, else under the suite's home ({@code sss.home}, SSS_HOME). */
    private static Optional<Path> builtHelper() {
        List<Path> candidates = new ArrayList<>();
        try {
            Path classes = Path.of(RankLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            candidates.add(classes.resolveSibling("native").resolve("sss-exec"));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Not loaded from a directory or jar on disk; the suite's home may still tell.
        }
        for (String home : new String[] {System.getProperty("sss.home"), System.getenv("SSS_HOME")}) {
            if (home != null && !home.isBlank()) {
                candidates.add(Path.of(home, "mpd", "target", "native", "sss-exec"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * What every rank of one set needs, worked out once per job on this mpd.
     *
     * @param path    the program to spawn (the helper's path when the helper is used), or null if it cannot run
     * @param problem why it cannot run
     * @param argv    its arguments, argv[0] first
     * @param env     the environment every rank of the set shares
     * @param wdir    the working directory of the set's processes
     * @param redirects the output files {@code posix_spawn} opens ({@link Posix.Redirects#NONE} when there are
     *                  none, or when the helper's arguments name them)
     */
    record Launchable(String path, String problem, List<String> argv, List<String> env, String wdir,
                      Posix.Redirects redirects, boolean viaHelper) {
        Launchable(String path, String problem, List<String> argv, List<String> env, String wdir,
                   Posix.Redirects redirects) {
            this(path, problem, argv, env, wdir, redirects, false);
        }
    }

    /** The prefix under which the helper receives the program's environment (see {@link #sealedForHelper}). */
    static final String HELPER_ENV_PREFIX = "SSS_EXEC_ENV_";

    /**
     * @param spec the job
     * @param set  one of its rank sets
     * @return how to start the set's ranks
     */
    Launchable ranks(JobSpec spec, JobSpec.RankSet set) {
        return ranks(spec, set, JobCgroups.Entered.NONE);
    }

    /**
     * @param spec     the job
     * @param set      one of its rank sets
     * @param confined the job's control group here (its ranks join it before their program starts) and the limits
     *                 that stand in for one where there is none
     * @return how to start the set's ranks
     */
    Launchable ranks(JobSpec spec, JobSpec.RankSet set, JobCgroups.Entered confined) {
        List<String> argv = new ArrayList<>();
        argv.add(set.exec());
        argv.addAll(set.args());
        return prepare(spec, set, set.exec(), argv, new Posix.Redirects(set.stdout(), set.stderr()), confined);
    }

    /**
     * @param spec     the job
     * @param set      a rank set with a co-process
     * @param confined the job's control groups here, which the co-process joins as its ranks do (its memory counts
     *                 against the job's, and it ends with the job's group)
     * @return how to start the set's co-process
     */
    Launchable coProcess(JobSpec spec, JobSpec.RankSet set, JobCgroups.Entered confined) {
        return prepare(spec, set, set.coProcess(), List.of(set.coProcess()), Posix.Redirects.NONE, confined);
    }

    /**
     * @param set a rank set
     * @return the user id its processes run as (this mpd's own unless the set names another user), or -1 when the
     *         host knows no such user (its processes cannot start then either)
     */
    int uidOf(JobSpec.RankSet set) {
        boolean otherUser = !set.runAs().isEmpty() && !set.runAs().equals(ownUser);
        return otherUser ? UserIds.uidOf(set.runAs()).orElse(-1) : Posix.uid();
    }

    private Launchable prepare(JobSpec spec, JobSpec.RankSet set, String exec, List<String> argv,
                               Posix.Redirects redirects, JobCgroups.Entered confined) {
        Map<String, String> env = new LinkedHashMap<>();
        spec.env().forEach(entry -> put(env, entry));
        set.env().forEach(entry -> put(env, entry));
        List<String> envList = new ArrayList<>(env.size());
        env.forEach((k, v) -> envList.add(k + "=" + v));
        String wdir = set.wdir().isEmpty() ? spec.wdir() : set.wdir();
        boolean otherUser = !set.runAs().isEmpty() && !set.runAs().equals(ownUser);
        boolean home = HOME.equals(wdir);
        if (home) {
            wdir = otherUser ? "/" : System.getProperty("user.home", "/");
        }
        String path;
        try {
            path = resolve(exec, env.get("PATH"), wdir);
        } catch (IOException e) {
            return new Launchable(null, e.getMessage(), List.copyOf(argv), List.copyOf(envList), wdir, Posix.Redirects.NONE);
        }
        if (!otherUser && set.limits().isEmpty() && confined.procsFiles().isEmpty() && confined.limits().isEmpty()) {
            return new Launchable(path, null, List.copyOf(argv), List.copyOf(envList), wdir, redirects);
        }
        if (otherUser && !root) {
            return new Launchable(null, "cannot run as user " + set.runAs() + ": this mpd runs as " + ownUser + ", not root",
                    List.copyOf(argv), List.copyOf(envList), wdir, Posix.Redirects.NONE);
        }
        if (helper.isEmpty()) {
            return new Launchable(null, "the launch helper sss-exec (needed for limits and users) is missing; "
                    + "rebuild the suite (bin/sss build)", List.copyOf(argv), List.copyOf(envList), wdir, Posix.Redirects.NONE);
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add("sss-exec");
        for (String procs : confined.procsFiles()) {
            wrapped.add("--cgroup");
            wrapped.add(procs);
        }
        for (String limit : confined.limits()) {
            wrapped.add("--rlimit");
            wrapped.add(limit);
        }
        for (String limit : set.limits()) {
            wrapped.add("--user-rlimit"); // the owner's: applied as the owner, never above the host's hard limit
            wrapped.add(limit);
        }
        if (otherUser) {
            wrapped.add("--user");
            wrapped.add(set.runAs());
            if (home) {
                wrapped.add("--home");
            }
        }
        if (!redirects.stdout().isEmpty()) {
            wrapped.add("--stdout");
            wrapped.add(redirects.stdout());
        }
        if (!redirects.stderr().isEmpty()) {
            wrapped.add("--stderr");
            wrapped.add(redirects.stderr());
        }
        wrapped.add("--");
        wrapped.add(path);
        wrapped.addAll(argv);
        return new Launchable(helper.get().toString(), null, List.copyOf(wrapped), List.copyOf(envList), wdir,
                Posix.Redirects.NONE, true);
    }

    /**
     * Spawns one process of a prepared set.
     *
     * @param launchable the set's launchable
     * @param ownEnv     variables for this process only; they replace the set's of the same name (a nested mpiexec
     *                   passes on its own PMI_RANK, MPD_JOB_KEY …, which must not shadow the new rank's)
     * @return the process
     * @throws IOException if it cannot be started (with the reason)
     */
    Posix.Spawned spawn(Launchable launchable, List<String> ownEnv) throws IOException {
        return spawn(launchable, List.of(), ownEnv);
    }

    /**
     * Spawns one process of a prepared set, with defaults the job's environment may override.
     *
     * @param launchable the set's launchable
     * @param defaults   variables the process gets unless the set's environment or {@code ownEnv} names them
     * @param ownEnv     variables for this process only, replacing the set's of the same name
     * @return the process
     * @throws IOException if it cannot be started (with the reason)
     */
    Posix.Spawned spawn(Launchable launchable, List<String> defaults, List<String> ownEnv) throws IOException {
        if (launchable.path() == null) {
            throw new IOException(launchable.problem());
        }
        java.util.Set<String> replaced = new java.util.HashSet<>();
        for (String entry : ownEnv) {
            replaced.add(name(entry));
        }
        java.util.Set<String> named = new java.util.HashSet<>(replaced);
        List<String> env = new ArrayList<>(defaults.size() + launchable.env().size() + ownEnv.size());
        for (String entry : launchable.env()) {
            named.add(name(entry));
            if (!replaced.contains(name(entry))) {
                env.add(entry);
            }
        }
        for (String entry : defaults) {
            if (named.add(name(entry))) {
                env.add(entry);
            }
        }
        env.addAll(ownEnv);
        return Posix.spawn(launchable.path(), launchable.argv(), launchable.viaHelper() ? sealedForHelper(env) : env,
                launchable.wdir(), launchable.redirects());
    }

    /**
     * The program's environment as the helper receives it: every entry under a name of its own
     * ({@value #HELPER_ENV_PREFIX}N=NAME=VALUE), which the helper gives back to the program only after it has taken the
     * user's identity. The helper starts as root, a normal dynamically linked program: the loader would obey the
     * job's {@code LD_PRELOAD} or {@code LD_LIBRARY_PATH}, and the C library's name service other variables, while it
     * is still root, so a user's job could run code as root before it is the user's.
     *
     * @param env the program's environment
     * @return what the helper is spawned with: nothing it would act on
     */
    static List<String> sealedForHelper(List<String> env) {
        List<String> sealed = new ArrayList<>(env.size());
        for (int i = 0; i < env.size(); i++) {
            sealed.add(HELPER_ENV_PREFIX + i + "=" + env.get(i));
        }
        return sealed;
    }

    private static String name(String entry) {
        return entry.substring(0, Math.max(0, entry.indexOf('=')));
    }

    private static void put(Map<String, String> env, String entry) {
        int equals = entry.indexOf('=');
        if (equals > 0) {
            env.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
    }

    /** Finds the program: a name with a slash is taken relative to the working directory, else searched in PATH. */
    static String resolve(String exec, String path, String wdir) throws IOException {
        if (exec.contains("/")) {
            Path file = Path.of(exec).isAbsolute() ? Path.of(exec) : Path.of(wdir).resolve(exec);
            return file.toString();
        }
        String search = path != null ? path : "/usr/local/bin:/usr/bin:/bin";
        for (String dir : search.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? wdir : dir).resolve(exec);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("command not found in PATH");
    }
}
