package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A parallel job as mpiexec (or the process manager) asks for it and as the root mpd passes it down the launch tree.
 *
 * <p>From the console: the rank sets (MPMD: each with a count, an executable, arguments, extra environment and,
 * for the process manager, a user, resource limits and a co-process), the job environment, the working directory,
 * the output mode, the placement wishes and how the job is supervised. The root adds the job id, the hosts in tree
 * order (itself first) and each rank's host; from these every mpd derives its place in the tree. On the wire it is
 * {@code key=value} lines in a message body (see {@link JobSpecCodec} and docs/MPD-PROTOCOL.md).
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
 * @param pmi          the process-management interfaces its ranks are served (default both)
 * @param confinement  the hosts and control group the job is held to ({@link Confinement#NONE}: none)
 */
public record JobSpec(String jid, String user, String wdir, String output, List<String> env, List<RankSet> sets,
                      Wishes wishes, List<String> treeHosts, int[] rankHost, int fanout, long graceMillis,
                      List<String> preput, String parentJid, Supervision supervision, PmiMode pmi,
                      Confinement confinement) {

    /** The most ranks a job may have (a message of a few bytes must not make the mpd allocate for more). */
    public static final int MAX_RANKS = 1 << 20;

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
     * @param keepGoing whether the job runs on when a rank fails or a host is lost ({@code mpiexec --keep-going}):
     *                  the survivors are told (a PMIx event) and not killed, and the job's status is the highest of
     *                  its ranks' own; otherwise the first failure kills the job and is its status
     */
    public record Supervision(boolean detached, String tag, long keepBytes, boolean keepGoing) {
        /** An mpiexec job: it ends when its console goes. */
        public static final Supervision ATTACHED = new Supervision(false, "", 0);

        /**
         * A job killed by its first failure.
         *
         * @param detached  as above
         * @param tag       as above
         * @param keepBytes as above
         */
        public Supervision(boolean detached, String tag, long keepBytes) {
            this(detached, tag, keepBytes, false);
        }

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
        pmi = pmi == null ? PmiMode.BOTH : pmi;
        confinement = confinement == null ? Confinement.NONE : confinement;
    }

    /**
     * An unconfined job.
     *
     * @param jid         job id
     * @param user        submitter
     * @param wdir        working directory
     * @param output      output mode
     * @param env         job environment
     * @param sets        rank sets
     * @param wishes      placement wishes
     * @param treeHosts   hosts in tree order
     * @param rankHost    each rank's host index
     * @param fanout      tree fan-out
     * @param graceMillis kill grace
     * @param preput      initial key-value space
     * @param parentJid   spawning job, or empty
     * @param supervision how the job relates to its console
     * @param pmi         the interfaces its ranks are served
     */
    public JobSpec(String jid, String user, String wdir, String output, List<String> env, List<RankSet> sets,
                   Wishes wishes, List<String> treeHosts, int[] rankHost, int fanout, long graceMillis,
                   List<String> preput, String parentJid, Supervision supervision, PmiMode pmi) {
        this(jid, user, wdir, output, env, sets, wishes, treeHosts, rankHost, fanout, graceMillis, preput, parentJid,
                supervision, pmi, Confinement.NONE);
    }

    /**
     * A job whose ranks are served both PMI-1 and PMIx.
     *
     * @param jid         job id
     * @param user        submitter
     * @param wdir        working directory
     * @param output      output mode
     * @param env         job environment
     * @param sets        rank sets
     * @param wishes      placement wishes
     * @param treeHosts   hosts in tree order
     * @param rankHost    each rank's host index
     * @param fanout      tree fan-out
     * @param graceMillis kill grace
     * @param preput      initial key-value space
     * @param parentJid   spawning job, or empty
     * @param supervision how the job relates to its console
     */
    public JobSpec(String jid, String user, String wdir, String output, List<String> env, List<RankSet> sets,
                   Wishes wishes, List<String> treeHosts, int[] rankHost, int fanout, long graceMillis,
                   List<String> preput, String parentJid, Supervision supervision) {
        this(jid, user, wdir, output, env, sets, wishes, treeHosts, rankHost, fanout, graceMillis, preput, parentJid,
                supervision, PmiMode.BOTH);
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
                supervision, pmi, confinement.ownedBy(newJid));
    }

    /**
     * @param held    what the job is held to
     * @param newWishes where its ranks go
     * @return a copy with them
     */
    public JobSpec confinedTo(Confinement held, Wishes newWishes) {
        return new JobSpec(jid, user, wdir, output, env, sets, newWishes, treeHosts, rankHost, fanout, graceMillis, preput,
                parentJid, supervision, pmi, held);
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
}
