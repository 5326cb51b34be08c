package org.sss.sssjob.internal.slurm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/**
 * A queue manager job seen as Slurm shows it: its id ({@code 17}, or {@code 17_3} for element 3 of array 17), its
 * state code and name, why it waits, and its node list. States: queued and held are {@code PD} (PENDING), running
 * {@code R}, exiting {@code CG} (COMPLETING); a completed job is {@code CA} (CANCELLED) when it was cancelled,
 * {@code TO} (TIMEOUT) when its walltime ended it, {@code CD} (COMPLETED) when it exited 0, otherwise {@code F}
 * (FAILED). Stateless.
 */
final class SlurmJobs {
    /** Slurm's state codes and names this suite's jobs take, in the order sbatch documents them. */
    static final List<String> CODES = List.of("PD", "R", "CG", "CD", "CA", "F", "TO");
    static final List<String> NAMES = List.of("PENDING", "RUNNING", "COMPLETING", "COMPLETED", "CANCELLED", "FAILED",
            "TIMEOUT");

    private SlurmJobs() {
    }

    /**
     * @param job a job
     * @return the number its id starts with (the array's, for an element)
     */
    static long sequence(Job job) {
        String id = job.id();
        int bracket = id.indexOf('[');
        return Long.parseLong(bracket < 0 ? id : id.substring(0, bracket));
    }

    /**
     * @param job a job
     * @return its Slurm id: {@code 17} or {@code 17_3}
     */
    static String id(Job job) {
        return job.get("array-index").isEmpty() ? String.valueOf(sequence(job))
                : sequence(job) + "_" + job.get("array-index");
    }

    /**
     * @param job a job
     * @return its state code: PD, R, CG, CD, CA, F or TO
     */
    static String code(Job job) {
        return CODES.get(NAMES.indexOf(state(job)));
    }

    /**
     * @param job a job
     * @return its state name: PENDING, RUNNING, …
     */
    static String state(Job job) {
        return switch (job.state()) {
            case "queued", "held" -> "PENDING";
            case "running" -> "RUNNING";
            case "exiting" -> "COMPLETING";
            default -> {
                String reason = job.get("reason");
                if (reason.startsWith("cancelled")) {
                    yield "CANCELLED";
                }
                if (reason.startsWith("walltime")) {
                    yield "TIMEOUT";
                }
                yield job.exitStatus().orElse(-1) == 0 ? "COMPLETED" : "FAILED";
            }
        };
    }

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("\\d{1,18}(_\\d{1,9})?");
    private static final java.util.regex.Pattern SELECTOR =
            java.util.regex.Pattern.compile("\\d{1,18}(_(\\d{1,9}|\\[[0-9,\\-]{1,200}\\]))?");

    /**
     * @param id a job id as a user typed it
     * @return it, when it names one job: {@code 17} or an element {@code 17_3}
     * @throws CliException (exit 2) otherwise
     */
    static String checkedId(String id) throws CliException {
        if (!ID.matcher(id).matches()) {
            throw CliException.usage("Invalid job id " + id + " (17 or 17_3)");
        }
        return id;
    }

    /**
     * @param id a job id as a user typed it
     * @return it, when it names jobs as squeue and scancel take them: {@code 17}, {@code 17_3} or {@code 17_[1-3]}
     * @throws CliException (exit 2) otherwise
     */
    static String checkedSelector(String id) throws CliException {
        if (!SELECTOR.matcher(id).matches()) {
            throw CliException.usage("Invalid job id " + id + " (17, 17_3 or 17_[1-3])");
        }
        return id;
    }

    /**
     * @param job a job
     * @return why it waits as squeue names it: JobHeldUser, BeginTime (its begin time is still to come), Dependency,
     *     JobArrayTaskLimit (an element of an array
     *     whose limit of elements at once is reached: the scheduler's note says "array limit"), ReqNodeNotAvail (a node
     *     it requires cannot be used: "required node ... is not available"), Reservation (the reservation it runs in
     *     has not begun, or does not hold it: "reservation res1 ..."), QOSMaxJobsPerUserLimit (its QOS's most jobs of
     *     one user at once are running: "QOS normal: ..."), Resources, None; or
     *     for a job that is not pending, None
     */
    static String reason(Job job) {
        if (job.state().equals("held")) {
            return "JobHeldUser";
        }
        if (!job.state().equals("queued")) {
            return "None";
        }
        if (job.time("begin").filter(begin -> begin.isAfter(Instant.now())).isPresent()) {
            return "BeginTime";
        }
        if (job.get("dependencies-met").equals("false")) {
            return "Dependency";
        }
        if (!job.get("array-limit").isEmpty() && job.get("reason").startsWith("array limit")) {
            return "JobArrayTaskLimit";
        }
        if (job.get("reason").startsWith("required node")) {
            return "ReqNodeNotAvail";
        }
        if (!job.get("reservation").isEmpty() && job.get("reason").startsWith("reservation " + job.get("reservation") + " ")) {
            return "Reservation";
        }
        if (!job.get("qos").isEmpty() && job.get("reason").startsWith("QOS " + job.get("qos") + ": ")) {
            return "QOSMaxJobsPerUserLimit";
        }
        return job.get("reason").isEmpty() ? "None" : "Resources";
    }

    /**
     * @param job a job
     * @return its nodes compressed ({@code node[1-3]}), empty before it starts
     */
    static String nodeList(Job job) {
        return compressed(job, "allocated");
    }

    /**
     * @param job       a job
     * @param attribute a node list attribute: allocated, required-nodes, excluded-nodes
     * @return its nodes compressed ({@code node[1-3]}), empty when it has none
     */
    static String compressed(Job job, String attribute) {
        List<String> names = job.words(attribute);
        return names.isEmpty() ? "" : HostList.compress(names);
    }

    /**
     * @param job a job
     * @return the features it asked of its nodes as Slurm writes a constraint ({@code gpu&ib}), {@code (null)} for none
     */
    static String features(Job job) {
        List<String> features = job.words("features");
        return features.isEmpty() ? "(null)" : String.join("&", features);
    }

    /**
     * @param job a job
     * @param now the time
     * @return how long it has run, as squeue shows it ({@code 0:00} before it starts)
     */
    static String elapsed(Job job, Instant now) {
        return SlurmTimes.format(job.elapsed(now).orElse(Duration.ZERO).getSeconds());
    }

    /**
     * @param job  a job
     * @param name submitted, started or ended
     * @return the time as Slurm prints it ({@code 2026-12-06T06:30:00}, local), or {@code N/A}
     */
    static String time(Job job, String name) {
        return job.time(name).map(t -> LocalDateTime.ofInstant(t, ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS)
                .toString()).map(t -> t.length() == 16 ? t + ":00" : t).orElse("N/A");
    }

    /**
     * @param job a job
     * @return whether it matches a squeue or scancel id: {@code 17} (the job, or every element of array 17),
     *     {@code 17_3}, {@code 17_[1-3,5]}
     */
    static boolean matchesId(Job job, String wanted) {
        String index = job.get("array-index");
        String seq = String.valueOf(sequence(job));
        if (wanted.equals(seq) || wanted.equals(id(job))) {
            return true;
        }
        if (index.isEmpty() || !wanted.startsWith(seq + "_[") || !wanted.endsWith("]")) {
            return false;
        }
        int i = Integer.parseInt(index);
        for (String item : wanted.substring(seq.length() + 2, wanted.length() - 1).split(",")) {
            String[] bounds = item.split("-");
            try {
                int low = Integer.parseInt(bounds[0]);
                int high = bounds.length > 1 ? Integer.parseInt(bounds[1]) : low;
                if (i >= low && i <= high) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }
}
