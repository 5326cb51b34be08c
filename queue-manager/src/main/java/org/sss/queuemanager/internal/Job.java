package org.sss.queuemanager.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One batch job as the queue manager keeps it: what was asked (immutable after submit, except through job-modify
 * while it waits) and where it is in its life. Immutable; changes make a new value.
 *
 * @param id          its id: {@code 17}, or {@code 17[3]} for element 3 of array 17
 * @param sequence    the number part of the id (array elements share it)
 * @param arrayIndex  the element's index, or null
 * @param spec        what was asked
 * @param state       where it is
 * @param hold        the hold on it, if any (a held job is in state {@link State#HELD} until released)
 * @param submitted   when it was accepted
 * @param started     when it last started, or null
 * @param ended       when it ended, or null
 * @param allocated   its nodes while running and after, or empty
 * @param pgid        its process group at the process manager, or null
 * @param exitStatus  its exit status once completed, or null when it never ran
 * @param reason      why it waits, or how it ended when not by exiting 0 on its own; may be empty
 * @param runs        how many times it was started
 * @param usage       what its processes used, over its runs so far
 */
public record Job(String id, long sequence, Integer arrayIndex, JobSpec spec, State state, Hold hold, Instant submitted,
                  Instant started, Instant ended, List<String> allocated, String pgid, Integer exitStatus, String reason,
                  int runs, JobUsage usage) {

    /** A hold on a waiting job, as PBS's hold types: who may lift it. */
    public enum Hold {
        /** None: it may run. */
        NONE,
        /** Its owner's (or an administrator's on the owner's behalf: {@code qsub -h}): its owner may release it. */
        USER,
        /** An administrator's: only an administrator may release it (PBS's operator hold). */
        OPERATOR;

        /** @return the PBS letter ({@code Hold_Types}): n, u or o */
        public char letter() {
            return switch (this) {
                case NONE -> 'n';
                case USER -> 'u';
                case OPERATOR -> 'o';
            };
        }
    }

    /** @return whether a hold is on it */
    public boolean held() {
        return hold != Hold.NONE;
    }

    /** Where a job is in its life; the letters are PBS's. */
    public enum State {
        /** Waiting to start. */
        QUEUED('Q'),
        /** Not to be started until released. */
        HELD('H'),
        /** Running on its nodes. */
        RUNNING('R'),
        /** Being ended; its processes have not all ended yet. */
        EXITING('E'),
        /** Ended; final. */
        COMPLETED('C');

        private final char letter;

        State(char letter) {
            this.letter = letter;
        }

        /** @return PBS's letter for it */
        public char letter() {
            return letter;
        }

        /** @return the name in messages: queued, held, … */
        public String xmlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Copies the list. */
    public Job {
        allocated = List.copyOf(allocated);
        reason = reason == null ? "" : reason;
        usage = usage == null ? JobUsage.NONE : usage;
    }

    /**
     * What a job asked for, after its script's directives and its options were merged and checked.
     *
     * @param user        its owner
     * @param name        its name (-N)
     * @param queue       its queue
     * @param nodes       nodes asked for
     * @param ppn         processes (slots) per node
     * @param walltime    limit in seconds, 0 for none
     * @param priority    -p
     * @param account     -A, or empty
     * @param workdir     the submit directory
     * @param submitHost  where it was submitted from
     * @param scriptName  the script's file name
     * @param script      the script's text
     * @param outputPath  where standard output goes (absolute)
     * @param errorPath   where standard error goes (absolute; equal to outputPath when joined)
     * @param join        {@code oe}, {@code eo} or {@code n}
     * @param depend      dependencies as given ({@code afterok:12:13,afterany:14}), or empty
     * @param mailEvents  -m, or empty
     * @param mailUsers   -M, or empty
     * @param environment the job's environment besides the PBS_ variables (-V, -v)
     * @param limits      its memory and CPU-time limits (-l mem, pmem, vmem, cput)
     * @param arrayLimit  for an element of an array submitted with {@code %L} ({@code -t 1-100%10}): the most elements
     *                    of its array that may hold nodes at once; null for none
     * @param begin       the time before which it does not start (qsub -a, sbatch --begin); null for none
     * @param nodeChoice  the nodes it must be given and must not be given, by name
     * @param endSignal   a signal it gets before its walltime ends (sbatch --signal); null for none
     * @param reservation the scheduler's advance reservation it runs in (qsub -l advres, sbatch --reservation); null
     *                    for none
     * @param rerunnable  whether it may be put back in the queue once it has run (qsub -r, sbatch --requeue,
     *                    --no-requeue)
     * @param qos         its quality of service (qsub -l qos, sbatch --qos, or the configured default); null for none
     */
    public record JobSpec(String user, String name, String queue, int nodes, int ppn, long walltime, int priority,
                          String account, String workdir, String submitHost, String scriptName, String script,
                          String outputPath, String errorPath, String join, String depend, String mailEvents,
                          String mailUsers, Map<String, String> environment, JobLimits limits, Integer arrayLimit,
                          java.time.Instant begin, NodeChoice nodeChoice,
                          org.sss.queuemanager.internal.pbs.EndSignal endSignal, String reservation,
                          boolean rerunnable, String qos) {
        /**
         * @param seconds a new walltime, 0 for none
         * @return this request with it
         */
        public JobSpec withWalltime(long seconds) {
            return new JobSpec(user, name, queue, nodes, ppn, seconds, priority, account, workdir, submitHost, scriptName,
                    script, outputPath, errorPath, join, depend, mailEvents, mailUsers, environment, limits, arrayLimit,
                    begin, nodeChoice, endSignal, reservation, rerunnable, qos);
        }

        /** Copies the map, keeping its order; a null node choice is {@link NodeChoice#NONE}. */
        public JobSpec {
            nodeChoice = nodeChoice == null ? NodeChoice.NONE : nodeChoice;
            environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
            limits = limits == null ? JobLimits.NONE : limits;
            if (arrayLimit != null && arrayLimit < 1) {
                throw new IllegalArgumentException("an array's limit is at least 1, not " + arrayLimit);
            }
        }
    }

    /** @return whether it has ended for good */
    public boolean isCompleted() {
        return state == State.COMPLETED;
    }

    /** @return whether it holds nodes now */
    public boolean holdsNodes() {
        return state == State.RUNNING || state == State.EXITING;
    }

    /**
     * @param newState the new state
     * @param why      the new reason
     * @return this job in that state
     */
    public Job in(State newState, String why) {
        return new Job(id, sequence, arrayIndex, spec, newState, hold, submitted, started, ended, allocated, pgid,
                exitStatus, why, runs, usage);
    }

    /**
     * @param newHold the hold to put on it, or {@link Hold#NONE} to lift its hold
     * @return this job with the hold set or lifted (and its state following)
     */
    public Job withHold(Hold newHold) {
        boolean holding = newHold != Hold.NONE;
        State next = state == State.QUEUED || state == State.HELD ? (holding ? State.HELD : State.QUEUED) : state;
        return new Job(id, sequence, arrayIndex, spec, next, newHold, submitted, started, ended, allocated, pgid, exitStatus,
                holding ? "held" : "", runs, usage);
    }

    /**
     * @param nodes    its nodes
     * @param newPgid  its process group
     * @param at       when
     * @return this job running
     */
    public Job startedOn(List<String> nodes, String newPgid, Instant at) {
        return new Job(id, sequence, arrayIndex, spec, State.RUNNING, hold, submitted, at, null, nodes, newPgid, null, "",
                runs + 1, usage);
    }

    /**
     * @param status its exit status, or null when it never ran
     * @param why    how it ended (empty for a normal end)
     * @param at     when
     * @return this job completed
     */
    public Job completed(Integer status, String why, Instant at) {
        return new Job(id, sequence, arrayIndex, spec, State.COMPLETED, hold, submitted, started, at, allocated, pgid, status,
                why, runs, usage);
    }

    /**
     * @param used what its last run used
     * @return this job with that added to its usage
     */
    public Job used(JobUsage used) {
        return new Job(id, sequence, arrayIndex, spec, state, hold, submitted, started, ended, allocated, pgid, exitStatus,
                reason, runs, usage.plus(used));
    }

    /**
     * @param why why it was put back
     * @return this job queued again, its nodes freed
     */
    public Job requeued(String why) {
        return new Job(id, sequence, arrayIndex, spec, held() ? State.HELD : State.QUEUED, hold, submitted, started, null,
                List.of(), null, null, why, runs, usage);
    }

    /**
     * @param newSpec the modified request
     * @return this job asking for that
     */
    public Job withSpec(JobSpec newSpec) {
        return new Job(id, sequence, arrayIndex, newSpec, state, hold, submitted, started, ended, allocated, pgid,
                exitStatus, reason, runs, usage);
    }
}
