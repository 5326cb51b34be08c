package org.sss.queuemanager.internal;

import java.util.List;

/**
 * Whether a waiting job's dependencies ({@code afterok:12:13,afterany:14}) allow it to run. A dependency on a job
 * number covers the job or every element of the array of that number. {@code afterok} needs each to complete
 * with status 0, {@code afternotok} with another status (or none: it never ran), {@code afterany} just to
 * complete, {@code after} to have started (or completed without starting). {@code singleton} needs every job of
 * the same user and name submitted before it (a lower number) to have completed. A dependency that can no longer be
 * met (an afterok job failed) makes the job unrunnable.
 */
final class Dependencies {
    /** What a job's dependencies say now. */
    enum Verdict {
        /** All met: it may run. */
        MET,
        /** Some not yet decided. */
        WAITING,
        /** Some can never be met. */
        NEVER
    }

    /**
     * @param verdict what the dependencies say
     * @param why     which dependency decides it (empty when met)
     */
    record Status(Verdict verdict, String why) {
    }

    private Dependencies() {
    }

    /**
     * @param table  the jobs
     * @param number a job number
     * @return the job, or the array's elements, of that number
     */
    static List<Job> jobsNamed(JobTable table, String number) {
        return table.numbered(Long.parseLong(number));
    }

    /**
     * @param table    the jobs
     * @param depend   dependencies as a job's spec holds them ({@code afterok:12:13,afterany:14}, {@code singleton})
     * @param sequence a job number
     * @param user     the job's owner
     * @param name     the job's name (its new one, when an alteration renames it)
     * @return the number of a job through which these dependencies come back to {@code sequence} (itself, or a job
     *         that waits on it, directly or through others, a {@code singleton} waiting on the earlier jobs of its
     *         owner and name), or -1 if they never do: a job with such a dependency would wait for itself for ever
     */
    static long cycleThrough(JobTable table, String depend, long sequence, String user, String name) {
        Names names = new Names(table, sequence, user, name);
        java.util.Deque<Long> todo = new java.util.ArrayDeque<>(targets(names, depend, sequence, user, name));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            long number = todo.pop();
            if (number == sequence) {
                return sequence;
            }
            if (seen.add(number)) {
                for (Job other : table.numbered(number)) {
                    if (!other.isCompleted()) {
                        for (long next : targets(names, other.spec().depend(), other.sequence(), other.spec().user(),
                                names.nameOf(other))) {
                            if (next == sequence) {
                                return number;
                            }
                            todo.push(next);
                        }
                    }
                }
            }
        }
        return -1;
    }

    /** The owners' and names' view a cycle check takes: the table's, with the checked job under its new name. */
    private record Names(JobTable table, long sequence, String user, String name) {
        String nameOf(Job job) {
            return job.sequence() == sequence ? name : job.spec().name();
        }

        /** @return the unfinished jobs of that owner and name, the checked job counted under its new name */
        List<Job> unfinished(String owner, String jobName) {
            List<Job> named = new java.util.ArrayList<>();
            for (Job job : table.unfinishedNamed(owner, jobName)) {
                if (nameOf(job).equals(jobName)) {
                    named.add(job);
                }
            }
            if (owner.equals(user) && jobName.equals(name)) {
                for (Job job : table.numbered(sequence)) {
                    if (!job.isCompleted() && !named.contains(job)) {
                        named.add(job);
                    }
                }
            }
            return named;
        }
    }

    /** @return the numbers a job's dependencies wait on: those they name, and for singleton its blockers' */
    private static List<Long> targets(Names names, String depend, long sequence, String user, String name) {
        List<Long> numbers = new java.util.ArrayList<>();
        if (!depend.isEmpty()) {
            for (String part : depend.split(",")) {
                String[] fields = part.split(":");
                if (fields[0].equals("singleton")) {
                    for (Job other : names.unfinished(user, name)) {
                        if (other.sequence() != sequence && blocksSingleton(other, sequence)) {
                            numbers.add(other.sequence());
                        }
                    }
                }
                for (int i = 1; i < fields.length; i++) {
                    numbers.add(Long.parseLong(fields[i]));
                }
            }
        }
        return numbers;
    }

    /**
     * @return whether an unfinished job of the same owner and name keeps a {@code singleton} job of that number
     *         waiting: it holds nodes, or it waits and was submitted earlier
     */
    private static boolean blocksSingleton(Job other, long sequence) {
        return other.holdsNodes() || other.sequence() < sequence;
    }

    /**
     * @param table the jobs
     * @param job   a waiting job
     * @return its verdict, with the first dependency that decides it
     */
    static Status of(JobTable table, Job job) {
        if (job.spec().depend().isEmpty()) {
            return new Status(Verdict.MET, "");
        }
        for (String part : job.spec().depend().split(",")) {
            String[] fields = part.split(":");
            String type = fields[0];
            if (type.equals("singleton")) {
                long order = JobIndex.order(job);
                for (Job other : table.unfinishedNamed(job.spec().user(), job.spec().name())) {
                    if (!other.id().equals(job.id()) && (other.holdsNodes() || JobIndex.order(other) < order)) {
                        return new Status(Verdict.WAITING, "waiting for job " + other.id() + " of the same name"
                                + " (singleton)");
                    }
                }
                continue;
            }
            for (int i = 1; i < fields.length; i++) {
                List<Job> others = jobsNamed(table, fields[i]);
                for (Job other : others) {
                    if (type.equals("after")) {
                        if (other.state() == Job.State.QUEUED || other.state() == Job.State.HELD) {
                            return new Status(Verdict.WAITING, "waiting for job " + other.id() + " to start (after)");
                        }
                        continue;
                    }
                    if (!other.isCompleted()) {
                        return new Status(Verdict.WAITING, "waiting for job " + other.id() + " (" + type + ")");
                    }
                    boolean ok = other.exitStatus() != null && other.exitStatus() == 0;
                    boolean met = switch (type) {
                        case "afterok" -> ok;
                        case "afternotok" -> !ok;
                        default -> true;
                    };
                    if (!met) {
                        return new Status(Verdict.NEVER, "dependency " + type + ":" + fields[i] + " can never be met (job " + other.id()
                                + (other.exitStatus() == null ? " did not run)" : " exited " + other.exitStatus() + ")"));
                    }
                }
            }
        }
        return new Status(Verdict.MET, "");
    }
}
