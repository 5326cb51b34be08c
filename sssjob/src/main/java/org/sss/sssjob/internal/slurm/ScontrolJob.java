package org.sss.sssjob.internal.slurm;

import java.time.Duration;
import java.time.Instant;
import org.sss.sssjob.internal.Job;

/**
 * One job as {@code scontrol show job} prints it: Slurm's {@code Key=Value} pairs, a few to a line, the first line
 * unindented. Values the suite does not keep are left out rather than made up. Stateless.
 */
final class ScontrolJob {
    private ScontrolJob() {
    }

    /**
     * @param job a job
     * @param now the time, for its run time
     * @return its listing, each line ending in a newline
     */
    static String describe(Job job, Instant now) {
        StringBuilder out = new StringBuilder();
        String id = SlurmJobs.id(job);
        line(out, "", "JobId=" + id, "JobName=" + job.get("name"));
        if (!job.get("array-index").isEmpty()) {
            line(out, "   ", "ArrayJobId=" + SlurmJobs.sequence(job), "ArrayTaskId=" + job.get("array-index"),
                    job.get("array-limit").isEmpty() ? "" : "ArrayTaskThrottle=" + job.get("array-limit"));
        }
        line(out, "   ", "UserId=" + job.get("user"), "Account=" + orNull(job.get("account")));
        line(out, "   ", "Priority=" + orZero(job.get("priority")), "QOS=" + orNull(job.get("qos")));
        String depend = job.get("depend");
        line(out, "   ", "JobState=" + SlurmJobs.state(job), "Reason=" + SlurmJobs.reason(job),
                "Dependency=" + (depend.isEmpty() ? "(null)" : depend));
        line(out, "   ", "Requeue=" + (job.get("rerunnable").equals("false") ? 0 : 1),
                "Restarts=" + Math.max(0, Integer.parseInt(orZero(job.get("runs"))) - 1),
                "ExitCode=" + (job.exitStatus().isPresent() ? job.exitStatus().getAsInt() : 0) + ":0");
        long walltime = Long.parseLong(orZero(job.get("walltime")));
        line(out, "   ", "RunTime=" + Job.hms(job.elapsed(now).orElse(Duration.ZERO).toSeconds()),
                "TimeLimit=" + (walltime == 0 ? "UNLIMITED" : Job.hms(walltime)));
        line(out, "   ", "SubmitTime=" + SlurmJobs.time(job, "submitted"),
                "EligibleTime=" + (job.get("begin").isEmpty() ? SlurmJobs.time(job, "submitted")
                        : SlurmJobs.time(job, "begin")));
        line(out, "   ", "StartTime=" + (job.get("started").isEmpty() && !job.get("expected-start").isEmpty()
                ? SlurmJobs.time(job, "expected-start") : SlurmJobs.time(job, "started")),
                "EndTime=" + SlurmJobs.time(job, "ended"));
        line(out, "   ", "Partition=" + job.get("queue"));
        if (!job.get("reservation").isEmpty()) {
            line(out, "   ", "Reservation=" + job.get("reservation"));
        }
        String required = SlurmJobs.compressed(job, "required-nodes");
        String excluded = SlurmJobs.compressed(job, "excluded-nodes");
        line(out, "   ", "ReqNodeList=" + (required.isEmpty() ? "(null)" : required),
                "ExcNodeList=" + (excluded.isEmpty() ? "(null)" : excluded));
        line(out, "   ", "Features=" + SlurmJobs.features(job));
        if (!job.get("gpus").isEmpty()) {
            line(out, "   ", "TresPerNode=gres/gpu:" + job.get("gpus"));
        }
        String nodes = SlurmJobs.nodeList(job);
        line(out, "   ", "NodeList=" + (nodes.isEmpty() ? "(null)" : nodes));
        int nodeCount = Integer.parseInt(orZero(job.get("nodes")));
        int ppn = Integer.parseInt(orZero(job.get("ppn")));
        line(out, "   ", "NumNodes=" + nodeCount, "NumCPUs=" + nodeCount * ppn);
        line(out, "   ", "Command=" + job.get("script-name"));
        line(out, "   ", "WorkDir=" + job.get("workdir"));
        line(out, "   ", "StdOut=" + job.get("output-path"));
        line(out, "   ", "StdErr=" + job.get("error-path"));
        return out.toString();
    }

    private static void line(StringBuilder out, String indent, String... pairs) {
        StringBuilder line = new StringBuilder(indent);
        for (String pair : pairs) {
            if (!pair.isEmpty()) {
                line.append(line.length() > indent.length() ? " " : "").append(pair);
            }
        }
        out.append(line).append('\n');
    }

    private static String orNull(String value) {
        return value.isEmpty() ? "(null)" : value;
    }

    private static String orZero(String value) {
        return value.isEmpty() ? "0" : value;
    }
}
