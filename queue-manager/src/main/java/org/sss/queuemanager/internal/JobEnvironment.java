package org.sss.queuemanager.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment of a job's script: the variables it carried from its submission ({@code -V}, {@code -v}), then
 * the PBS ones (which win): PBS_JOBID, PBS_JOBNAME, PBS_O_WORKDIR, PBS_O_HOST, PBS_QUEUE, PBS_NODEFILE, PBS_NP,
 * PBS_NUM_NODES, PBS_NUM_PPN, PBS_WALLTIME, PBS_ENVIRONMENT, and for an array element Torque's PBS_ARRAYID and PBS
 * Pro's PBS_ARRAY_INDEX and PBS_ARRAY_ID (the array's id, {@code 17[]}); then Slurm's
 * ({@link SlurmVariables}). Variables whose names a shell could not use are left out, and so are the queue
 * manager's internal ones.
 */
final class JobEnvironment {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Variables the queue manager keeps in a job's environment for itself; the script does not see them. */
    private static final java.util.List<String> INTERNAL = java.util.stream.Stream.concat(
            SlurmSubmission.INTERNAL.stream(), java.util.stream.Stream.of(SlurmVariables.ARRAY,
            JobGroups.ARGUMENTS_VARIABLE)).toList();

    private JobEnvironment() {
    }

    /**
     * @param job   the job, started
     * @param files its spool files
     * @return its environment, in order
     */
    static Map<String, String> of(Job job, JobSpool.JobFiles files) {
        Job.JobSpec spec = job.spec();
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> internal = new LinkedHashMap<>();
        spec.environment().forEach((name, value) -> {
            if (INTERNAL.contains(name)) {
                internal.put(name, value);
            } else if (NAME.matcher(name).matches()) {
                env.put(name, value);
            }
        });
        env.put("PBS_JOBID", job.id());
        env.put("PBS_JOBNAME", spec.name());
        env.put("PBS_O_WORKDIR", spec.workdir());
        env.put("PBS_O_HOST", spec.submitHost());
        env.put("PBS_QUEUE", spec.queue());
        env.put("PBS_NODEFILE", files.nodefile().toString());
        env.put("PBS_NP", String.valueOf(spec.nodes() * spec.ppn()));
        env.put("PBS_NUM_NODES", String.valueOf(spec.nodes()));
        env.put("PBS_NUM_PPN", String.valueOf(spec.ppn()));
        env.put("PBS_WALLTIME", String.valueOf(spec.walltime()));
        env.put("PBS_ENVIRONMENT", "PBS_BATCH");
        if (job.arrayIndex() != null) {
            env.put("PBS_ARRAYID", String.valueOf(job.arrayIndex()));
            env.put("PBS_ARRAY_INDEX", String.valueOf(job.arrayIndex()));
            env.put("PBS_ARRAY_ID", job.sequence() + "[]");
        }
        int gpus = spec.nodeChoice().gpus();
        if (gpus > 0) {
            // The job holds its nodes whole; it is shown the GPUs it asked for, the node's first ones.
            String devices = String.join(",", java.util.stream.IntStream.range(0, gpus).mapToObj(String::valueOf).toList());
            env.put("CUDA_VISIBLE_DEVICES", devices);
            env.put("GPU_DEVICE_ORDINAL", devices);
            env.put("SLURM_GPUS_ON_NODE", String.valueOf(gpus));
        }
        SlurmVariables.add(job, internal, env);
        return env;
    }
}
