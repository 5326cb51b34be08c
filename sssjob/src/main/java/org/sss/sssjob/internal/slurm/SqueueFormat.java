package org.sss.sssjob.internal.slurm;

import java.time.Instant;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/**
 * squeue's {@code -o/--format} ({@link PercentFormat}). Fields: {@code %i} id, {@code %j} name,
 * {@code %u} user, {@code %t} state code, {@code %T} state, {@code %M} time used, {@code %l} time limit, {@code %D}
 * nodes, {@code %R} node list or (reason), {@code %P} partition, {@code %N} node list, {@code %C} cpus, {@code %V}
 * submit time, {@code %S} start time (a pending job's expected one, when the scheduler has said), {@code %r} reason, {@code %a} account, {@code %A} array job id (the job's own
 * for a job not in an array), {@code %n} nodes required, {@code %x} nodes excluded, {@code %f} features, {@code %b} GPUs per node,
 * {@code %v} reservation, {@code %q} quality of service.
 */
final class SqueueFormat {
    /** squeue's default format. */
    static final String DEFAULT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
    private static final String FIELDS = "ijutTMlDRPNCVSraAnxfbvq";
    private final PercentFormat format;

    private SqueueFormat(PercentFormat format) {
        this.format = format;
    }

    /**
     * @param format a format string
     * @return it, read
     * @throws CliException (exit 2) naming an unsupported field
     */
    static SqueueFormat parse(String format) throws CliException {
        return new SqueueFormat(PercentFormat.parse(format, FIELDS));
    }

    /** @return the header line */
    String header() {
        return format.render(SqueueFormat::title);
    }

    /**
     * @param job a job
     * @param now the time
     * @return its line
     */
    String line(Job job, Instant now) {
        return format.render(field -> value(field, job, now));
    }

    private static String title(char field) {
        return switch (field) {
            case 'i' -> "JOBID";
            case 'j' -> "NAME";
            case 'u' -> "USER";
            case 't' -> "ST";
            case 'T' -> "STATE";
            case 'M' -> "TIME";
            case 'l' -> "TIME_LIMIT";
            case 'D' -> "NODES";
            case 'R' -> "NODELIST(REASON)";
            case 'P' -> "PARTITION";
            case 'N' -> "NODELIST";
            case 'C' -> "CPUS";
            case 'V' -> "SUBMIT_TIME";
            case 'S' -> "START_TIME";
            case 'r' -> "REASON";
            case 'a' -> "ACCOUNT";
            case 'A' -> "ARRAY_JOB_ID";
            case 'n' -> "REQ_NODES";
            case 'x' -> "EXC_NODES";
            case 'f' -> "FEATURES";
            case 'b' -> "TRES_PER_NODE";
            case 'v' -> "RESERVATION";
            case 'q' -> "QOS";
            default -> throw new IllegalStateException("no title for %" + field);
        };
    }

    private static String value(char field, Job job, Instant now) {
        return switch (field) {
            case 'i' -> SlurmJobs.id(job);
            case 'j' -> job.get("name");
            case 'u' -> job.get("user");
            case 't' -> SlurmJobs.code(job);
            case 'T' -> SlurmJobs.state(job);
            case 'M' -> SlurmJobs.elapsed(job, now);
            case 'l' -> SlurmTimes.limit(number(job.get("walltime")));
            case 'D' -> job.get("nodes");
            case 'R' -> job.state().equals("queued") || job.state().equals("held")
                    ? "(" + SlurmJobs.reason(job) + ")" : SlurmJobs.nodeList(job);
            case 'P' -> job.get("queue");
            case 'N' -> SlurmJobs.nodeList(job);
            case 'C' -> String.valueOf(number(job.get("nodes")) * number(job.get("ppn")));
            case 'V' -> SlurmJobs.time(job, "submitted");
            case 'S' -> SlurmJobs.time(job, job.state().equals("queued") ? "expected-start" : "started");
            case 'r' -> SlurmJobs.reason(job);
            case 'a' -> job.get("account").isEmpty() ? "(null)" : job.get("account");
            case 'A' -> String.valueOf(SlurmJobs.sequence(job));
            case 'n' -> SlurmJobs.compressed(job, "required-nodes");
            case 'x' -> SlurmJobs.compressed(job, "excluded-nodes");
            case 'b' -> job.get("gpus").isEmpty() ? "N/A" : "gres/gpu:" + job.get("gpus");
            case 'f' -> SlurmJobs.features(job);
            case 'v' -> job.get("reservation").isEmpty() ? "(null)" : job.get("reservation");
            case 'q' -> job.get("qos").isEmpty() ? "(null)" : job.get("qos");
            default -> throw new IllegalStateException("no value for %" + field);
        };
    }

    private static long number(String text) {
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
