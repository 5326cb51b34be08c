package org.sss.queuemanager.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.sss.queuemanager.internal.pbs.ArraySpec;
import org.sss.queuemanager.internal.slurm.HostList;
import org.sss.queuemanager.internal.slurm.SlurmRequest;

/**
 * The Slurm variables every job's script gets beside the PBS ones, whichever face submitted it: SLURM_JOB_ID and
 * SLURM_JOBID ({@code 17}, or {@code 17_3} for element 3 of array 17, the id scancel and squeue take),
 * SLURM_JOB_NAME, SLURM_NTASKS and SLURM_NPROCS, SLURM_JOB_NUM_NODES and SLURM_NNODES, SLURM_JOB_NODELIST and
 * SLURM_NODELIST (compressed, {@code node[1-3,5]}), SLURM_NODEID, SLURM_PROCID and SLURM_LOCALID (0: the batch
 * script is task 0 on the first node), SLURM_TASKS_PER_NODE ({@code 2(x3)}), SLURM_CPUS_ON_NODE,
 * SLURM_JOB_CPUS_PER_NODE, SLURM_CPUS_PER_TASK, SLURM_SUBMIT_DIR, SLURM_SUBMIT_HOST, SLURM_JOB_PARTITION,
 * SLURM_JOB_USER, SLURM_JOB_UID, SLURM_JOB_ACCOUNT when one was given, SLURM_JOB_RESERVATION for a job in one,
 * SLURM_JOB_QOS for a job with one,
 * and for an array element SLURM_ARRAY_JOB_ID,
 * SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT/MIN/MAX/STEP. A qsub job has as many tasks as slots
 * (nodes × ppn) and one cpu per task. Thread-safe.
 */
final class SlurmVariables {
    /** Internal: an array's {@code count,min,max,step}, recorded at submission. */
    static final String ARRAY = "SSS_ARRAY_SHAPE";
    private static final Map<String, String> UIDS = new ConcurrentHashMap<>();

    private SlurmVariables() {
    }

    /**
     * @param array an array request
     * @return what {@link #ARRAY} holds for it: count, min, max, and the step (the indices' common difference, 1 when
     *     they are not evenly spaced)
     */
    static String arrayShape(ArraySpec array) {
        List<Integer> indices = array.indices();
        int step = indices.size() < 2 ? 1 : indices.get(1) - indices.get(0);
        for (int i = 2; i < indices.size(); i++) {
            if (indices.get(i) - indices.get(i - 1) != step) {
                step = 1;
                break;
            }
        }
        return indices.size() + "," + indices.getFirst() + "," + indices.getLast() + "," + step;
    }

    /**
     * @param job      the job, started
     * @param internal its internal variables (removed from what the script sees)
     * @param env      the environment to add to
     */
    static void add(Job job, Map<String, String> internal, Map<String, String> env) {
        Job.JobSpec spec = job.spec();
        String id = job.arrayIndex() == null ? String.valueOf(job.sequence()) : job.sequence() + "_" + job.arrayIndex();
        int slots = spec.nodes() * spec.ppn();
        String tasks = internal.getOrDefault(SlurmSubmission.TASKS, String.valueOf(slots));
        String cpusPerTask = internal.getOrDefault(SlurmSubmission.CPUS_PER_TASK, "1");
        env.put("SLURM_JOB_ID", id);
        env.put("SLURM_JOBID", id);
        env.put("SLURM_JOB_NAME", spec.name());
        env.put("SLURM_NTASKS", tasks);
        env.put("SLURM_NPROCS", tasks);
        env.put("SLURM_JOB_NUM_NODES", String.valueOf(spec.nodes()));
        env.put("SLURM_NNODES", String.valueOf(spec.nodes()));
        String nodeList = HostList.compress(job.allocated());
        env.put("SLURM_JOB_NODELIST", nodeList);
        env.put("SLURM_NODELIST", nodeList);
        env.put("SLURM_NODEID", "0");
        env.put("SLURM_PROCID", "0");
        env.put("SLURM_LOCALID", "0");
        env.put("SLURM_TASKS_PER_NODE", SlurmRequest.Shape.tasksPerNode(Integer.parseInt(tasks), spec.nodes()));
        env.put("SLURM_CPUS_ON_NODE", String.valueOf(spec.ppn()));
        env.put("SLURM_JOB_CPUS_PER_NODE", spec.nodes() == 1 ? String.valueOf(spec.ppn())
                : spec.ppn() + "(x" + spec.nodes() + ")");
        env.put("SLURM_CPUS_PER_TASK", cpusPerTask);
        env.put("SLURM_SUBMIT_DIR", internal.getOrDefault(SlurmSubmission.SUBMIT_DIR, spec.workdir()));
        env.put("SLURM_SUBMIT_HOST", spec.submitHost());
        env.put("SLURM_JOB_PARTITION", spec.queue());
        env.put("SLURM_JOB_USER", spec.user());
        uid(spec.user()).ifPresent(uid -> env.put("SLURM_JOB_UID", uid));
        if (!spec.account().isEmpty()) {
            env.put("SLURM_JOB_ACCOUNT", spec.account());
        }
        if (spec.reservation() != null) {
            env.put("SLURM_JOB_RESERVATION", spec.reservation());
        }
        if (spec.qos() != null) {
            env.put("SLURM_JOB_QOS", spec.qos());
        }
        if (job.arrayIndex() != null) {
            env.put("SLURM_ARRAY_JOB_ID", String.valueOf(job.sequence()));
            env.put("SLURM_ARRAY_TASK_ID", String.valueOf(job.arrayIndex()));
            String shape = internal.get(ARRAY);
            if (shape != null && shape.matches("\\d+,\\d+,\\d+,\\d+")) {
                String[] parts = shape.split(",");
                env.put("SLURM_ARRAY_TASK_COUNT", parts[0]);
                env.put("SLURM_ARRAY_TASK_MIN", parts[1]);
                env.put("SLURM_ARRAY_TASK_MAX", parts[2]);
                env.put("SLURM_ARRAY_TASK_STEP", parts[3]);
            }
        }
    }

    /** The user's numeric id, from /etc/passwd, else {@code getent passwd}; empty when neither knows the user. */
    private static Optional<String> uid(String user) {
        String known = UIDS.get(user);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> found = fromPasswd(user);
        if (found.isEmpty()) {
            found = fromGetent(user);
        }
        found.ifPresent(uid -> UIDS.put(user, uid));
        return found;
    }

    private static Optional<String> fromPasswd(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[0].equals(user) && fields[2].matches("\\d+")) {
                    return Optional.of(fields[2]);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> fromGetent(String user) {
        if (!user.matches("[A-Za-z0-9._][A-Za-z0-9._-]{0,63}")) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("getent", "passwd", user).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String[] fields = new String(out, StandardCharsets.UTF_8).strip().split(":", -1);
            return process.exitValue() == 0 && fields.length > 2 && fields[2].matches("\\d+")
                    ? Optional.of(fields[2]) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
