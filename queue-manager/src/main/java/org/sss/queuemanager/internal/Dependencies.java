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
        long sequence = Long.parseLong(number);
        return table.all().stream().filter(job -> job.sequence() == sequence).toList();
    }

    /**
     * @param table    the jobs
     * @param depend   dependencies as a job's spec holds them ({@code afterok:12:13,afterany:14})
     * @param sequence a job number
     * @return the number of a job through which these dependencies come back to {@code sequence} (itself, or a job
     *         that waits on it, directly or through others), or -1 if they never do: a job with such a dependency
     *         would wait for itself for ever
     */
    static long cycleThrough(JobTable table, String depend, long sequence) {
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(numbers(depend));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String number = todo.pop();
            if (Long.parseLong(number) == sequence) {
                return sequence;
            }
            if (seen.add(number)) {
                for (Job other : jobsNamed(table, number)) {
                    if (!other.isCompleted()) {
                        for (String next : numbers(other.spec().depend())) {
                            if (Long.parseLong(next) == sequence) {
                                return Long.parseLong(number);
                            }
                            todo.push(next);
                        }
                    }
                }
            }
        }
        return -1;
    }

    private static List<String> numbers(String depend) {
        List<String> numbers = new java.util.ArrayList<>();
        if (!depend.isEmpty()) {
            for (String part : depend.split(",")) {
                String[] fields = part.split(":");
                numbers.addAll(List.of(fields).subList(1, fields.length));
            }
        }
        return numbers;
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
                for (Job other : table.unfinished()) {
                    if (other.sequence() < job.sequence() && other.spec().user().equals(job.spec().user())
                            && other.spec().name().equals(job.spec().name())) {
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
