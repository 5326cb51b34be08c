package org.sss.mpd.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.sss.mpd.internal.Confinement;
import org.sss.mpd.internal.JobSpec;
import org.sss.mpd.internal.PmiMode;

/**
 * A parallel job to launch on the ring through {@link MpdConsole#launch}: its rank sets in rank order, where each
 * rank runs, and how it is supervised. Immutable; build one with {@link #of} and the {@code with…} methods.
 *
 * @param sets       the rank sets (MPMD), in rank order
 * @param submitter  who asked for it (listed by mpdlistjobs)
 * @param wdir       working directory of every rank
 * @param output     {@code label}, {@code merged} or {@code discard}: whether output is forwarded at all
 * @param env        environment of every rank, {@code NAME=value}, before each set's own
 * @param hostOfRank the host (mpd id or host name) of each rank, or empty for round-robin over the ring
 * @param grace      time between SIGTERM and SIGKILL when the job is killed; zero for the mpd's default
 * @param detached   whether the job outlives this console (see {@link MpdConsole#attach})
 * @param tag        the owner's label for a detached job, listed by {@link MpdConsole#detachedJobs}
 * @param keepBytes  output the root keeps for replay to a console that attaches later
 * @param confinement the allocation, control group and limits the job is held to ({@link Confinement#NONE}: none)
 */
public record JobRequest(List<ProcessSet> sets, String submitter, String wdir, String output, List<String> env,
                         List<String> hostOfRank, Duration grace, boolean detached, String tag, long keepBytes,
                         Confinement confinement) {
    /** A working directory that means the home directory of the user the processes run as. */
    public static final String HOME = "~";

    /**
     * One MPMD set: {@code count} consecutive ranks running one program.
     *
     * @param count     ranks in the set
     * @param exec      the program (a path, or a name searched in the set's PATH)
     * @param args      its arguments after argv[0]
     * @param env       extra environment for these ranks, {@code NAME=value}
     * @param runAs     the user the ranks run as (needs a root mpd), or empty for the mpd's own user
     * @param limits    resource limits, {@code NAME=SOFT[:HARD]}, NAME one of as, core, cpu, data, fsize, memlock,
     *                  nofile, nproc, rss, stack
     * @param coProcess a program started once per host after the set's ranks there, with their pids in
     *                  {@code SSS_PIDS} and ranks in {@code SSS_RANKS}; empty for none
     * @param wdir      working directory of these ranks ({@code ~}: the home directory of the user they run as), or
     *                  empty for the job's
     * @param stdout    a file each rank's standard output goes to instead of this console (opened, created mode 0600
     *                  and truncated by the user the rank runs as, relative to its working directory, before the
     *                  program starts: meant for a set of one rank), or empty
     * @param stderr    the same for standard error; the same path as {@code stdout} joins the two in one file
     */
    public record ProcessSet(int count, String exec, List<String> args, List<String> env, String runAs, List<String> limits,
                             String coProcess, String wdir, String stdout, String stderr) {
        /** Checks the values and copies the lists. */
        public ProcessSet {
            if (count < 1) {
                throw new IllegalArgumentException("a process set needs at least one rank");
            }
            Objects.requireNonNull(exec, "exec");
            args = List.copyOf(args);
            env = List.copyOf(env);
            limits = List.copyOf(limits);
            runAs = runAs == null ? "" : runAs;
            coProcess = coProcess == null ? "" : coProcess;
            wdir = wdir == null ? "" : wdir;
            stdout = stdout == null ? "" : stdout;
            stderr = stderr == null ? "" : stderr;
            if (stdout.indexOf('\0') >= 0 || stderr.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an output file name may not hold a NUL");
            }
            for (String limit : limits) {
                int equals = limit.indexOf('=');
                if (equals <= 0 || !JobSpec.LIMIT_NAMES.contains(limit.substring(0, equals))) {
                    throw new IllegalArgumentException("limit " + limit + " is not NAME=SOFT[:HARD] with NAME one of "
                            + JobSpec.LIMIT_NAMES);
                }
            }
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
        public ProcessSet(int count, String exec, List<String> args, List<String> env, String runAs, List<String> limits,
                          String coProcess, String wdir) {
            this(count, exec, args, env, runAs, limits, coProcess, wdir, "", "");
        }

        /**
         * @param count ranks
         * @param exec  program
         * @param args  arguments
         * @return a set run as the mpd's user, without limits or co-process
         */
        public static ProcessSet of(int count, String exec, String... args) {
            return new ProcessSet(count, exec, List.of(args), List.of(), "", List.of(), "", "");
        }
    }

    /** Checks the values and copies the lists. */
    public JobRequest {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one process set");
        }
        if (!output.equals("label") && !output.equals("merged") && !output.equals("discard")) {
            throw new IllegalArgumentException("output must be label, merged or discard");
        }
        sets = List.copyOf(sets);
        env = List.copyOf(env);
        hostOfRank = List.copyOf(hostOfRank);
        submitter = submitter == null ? "" : submitter;
        tag = tag == null ? "" : tag;
        grace = grace == null ? Duration.ZERO : grace;
        confinement = confinement == null ? Confinement.NONE : confinement;
    }

    /**
     * An unconfined job.
     *
     * @param sets       the rank sets
     * @param submitter  who asked for it
     * @param wdir       working directory
     * @param output     output mode
     * @param env        environment of every rank
     * @param hostOfRank each rank's host, or empty
     * @param grace      SIGTERM to SIGKILL delay
     * @param detached   whether it outlives this console
     * @param tag        the owner's label
     * @param keepBytes  output kept for replay
     */
    public JobRequest(List<ProcessSet> sets, String submitter, String wdir, String output, List<String> env,
                      List<String> hostOfRank, Duration grace, boolean detached, String tag, long keepBytes) {
        this(sets, submitter, wdir, output, env, hostOfRank, grace, detached, tag, keepBytes, Confinement.NONE);
    }

    /**
     * @param held the allocation, control group and limits
     * @return a copy held to them
     */
    public JobRequest confinedTo(Confinement held) {
        return new JobRequest(sets, submitter, wdir, output, env, hostOfRank, grace, detached, tag, keepBytes, held);
    }

    /**
     * @param sets the rank sets
     * @return an attached job of those sets, run in {@code /} with merged output and no extra environment
     */
    public static JobRequest of(ProcessSet... sets) {
        return new JobRequest(List.of(sets), "", "/", "merged", List.of(), List.of(), Duration.ZERO, false, "", 0);
    }

    /** @return the number of ranks */
    public int size() {
        return sets.stream().mapToInt(ProcessSet::count).sum();
    }

    /**
     * @param newSubmitter who asks
     * @param newWdir      working directory
     * @param newOutput    label, merged or discard
     * @param newEnv       environment of every rank
     * @return a copy with those
     */
    public JobRequest with(String newSubmitter, String newWdir, String newOutput, List<String> newEnv) {
        return new JobRequest(sets, newSubmitter, newWdir, newOutput, newEnv, hostOfRank, grace, detached, tag, keepBytes,
                confinement);
    }

    /**
     * @param hosts each rank's host
     * @return a copy placed exactly
     */
    public JobRequest placedOn(List<String> hosts) {
        if (!hosts.isEmpty() && hosts.size() != size()) {
            throw new IllegalArgumentException("hosts given for " + hosts.size() + " ranks of " + size());
        }
        return new JobRequest(sets, submitter, wdir, output, env, hosts, grace, detached, tag, keepBytes, confinement);
    }

    /**
     * @param newGrace SIGTERM to SIGKILL delay
     * @return a copy with it
     */
    public JobRequest withGrace(Duration newGrace) {
        return new JobRequest(sets, submitter, wdir, output, env, hostOfRank, newGrace, detached, tag, keepBytes, confinement);
    }

    /**
     * @param newTag   the owner's label
     * @param keep     output kept for replay, in bytes
     * @return a detached copy
     */
    public JobRequest detached(String newTag, long keep) {
        return new JobRequest(sets, submitter, wdir, output, env, hostOfRank, grace, true, newTag, keep, confinement);
    }

    /** @return the ring's form of this request */
    JobSpec toSpec() {
        List<JobSpec.RankSet> rankSets = sets.stream().map(set -> new JobSpec.RankSet(set.count(), set.exec(), set.args(),
                set.env(), set.runAs(), set.limits(), set.coProcess(), set.wdir(), set.stdout(), set.stderr())).toList();
        return new JobSpec("", submitter, wdir, output, env, rankSets,
                new JobSpec.Wishes(hostOfRank, List.of(), List.of(), 0), List.of(), new int[0], 4, grace.toMillis(), List.of(),
                "", new JobSpec.Supervision(detached, tag, keepBytes), PmiMode.BOTH, confinement);
    }
}
