package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.queuemanager.internal.pbs.ArraySpec;
import org.sss.queuemanager.internal.pbs.BadValueException;

/**
 * The Slurm variables a job's script gets beside the PBS ones, for a qsub job and an sbatch one, and the queue
 * manager's internal variables kept from it; the script's arguments.
 */
class SlurmVariablesTest {
    private static final JobSpool.JobFiles FILES = new JobSpool.JobFiles(Path.of("/spool/7"),
            Path.of("/spool/7/script"), Path.of("/spool/7/nodefile"));

    private static Job job(int nodes, int ppn, Integer index, List<String> allocated, Map<String, String> env) {
        Job.JobSpec spec = new Job.JobSpec("root", "sim", "batch", nodes, ppn, 600, 0, "proj", "/work/run", "login1",
                "job.sh", "#!/bin/sh\necho\n", "/work/run/o", "/work/run/o", "oe", "", "", "", env, JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job(index == null ? "7" : "7[" + index + "]", 7, index, spec, Job.State.RUNNING, Job.Hold.NONE,
                Instant.now(), Instant.now(), null, allocated, null, null, "", 1, JobUsage.NONE);
    }

    @Test
    void aJobThatAskedForGpusSeesThatManyOnEachNode() {
        Job plain = job(1, 1, null, List.of("node1"), Map.of());
        Job.JobSpec spec = plain.spec();
        Job.JobSpec withGpus = new Job.JobSpec(spec.user(), spec.name(), spec.queue(), 1, 1, 600, 0, "", spec.workdir(),
                spec.submitHost(), spec.scriptName(), spec.script(), spec.outputPath(), spec.errorPath(), spec.join(), "",
                "", "", Map.of(), JobLimits.NONE, null, null, new NodeChoice(List.of(), List.of(), List.of(), 3), null, "res2", true, null);
        Job gpuJob = new Job("7", 7, null, withGpus, Job.State.RUNNING, Job.Hold.NONE, Instant.now(), Instant.now(), null,
                List.of("node1"), null, null, "", 1, JobUsage.NONE);
        assertThat(JobEnvironment.of(gpuJob, FILES)).containsEntry("CUDA_VISIBLE_DEVICES", "0,1,2")
                .containsEntry("GPU_DEVICE_ORDINAL", "0,1,2").containsEntry("SLURM_GPUS_ON_NODE", "3")
                .containsEntry("SLURM_JOB_RESERVATION", "res2");
        assertThat(JobEnvironment.of(plain, FILES)).doesNotContainKey("CUDA_VISIBLE_DEVICES")
                .doesNotContainKey("SLURM_JOB_RESERVATION");
    }

    @Test
    void aQsubJobGetsSlurmsVariablesWithATaskPerSlot() {
        Map<String, String> env = JobEnvironment.of(job(4, 2, null, List.of("node1", "node2", "node3", "node5"),
                Map.of("HOME", "/home/a")), FILES);
        assertThat(env).containsEntry("SLURM_JOB_ID", "7").containsEntry("SLURM_JOBID", "7")
                .containsEntry("SLURM_JOB_NAME", "sim").containsEntry("SLURM_NTASKS", "8")
                .containsEntry("SLURM_NPROCS", "8").containsEntry("SLURM_JOB_NUM_NODES", "4")
                .containsEntry("SLURM_NNODES", "4").containsEntry("SLURM_JOB_NODELIST", "node[1-3,5]")
                .containsEntry("SLURM_NODELIST", "node[1-3,5]").containsEntry("SLURM_NODEID", "0")
                .containsEntry("SLURM_PROCID", "0").containsEntry("SLURM_LOCALID", "0")
                .containsEntry("SLURM_TASKS_PER_NODE", "2(x4)").containsEntry("SLURM_CPUS_ON_NODE", "2")
                .containsEntry("SLURM_JOB_CPUS_PER_NODE", "2(x4)").containsEntry("SLURM_SUBMIT_DIR", "/work/run")
                .containsEntry("SLURM_SUBMIT_HOST", "login1").containsEntry("SLURM_JOB_PARTITION", "batch")
                .containsEntry("SLURM_JOB_USER", "root").containsEntry("SLURM_JOB_UID", "0")
                .containsEntry("SLURM_JOB_ACCOUNT", "proj").containsEntry("PBS_JOBID", "7")
                .containsEntry("PBS_NP", "8").containsEntry("HOME", "/home/a")
                .doesNotContainKey("SLURM_ARRAY_TASK_ID");
    }

    @Test
    void anSbatchArrayElementGetsItsTasksSubmitDirAndArrayShapeButNotTheInternalVariables()
            throws BadValueException {
        Map<String, String> internal = Map.of(SlurmSubmission.TASKS, "3", SlurmSubmission.CPUS_PER_TASK, "1",
                SlurmSubmission.SUBMIT_DIR, "/work", SlurmVariables.ARRAY,
                SlurmVariables.arrayShape(ArraySpec.parse("1-9:4")));
        Map<String, String> env = JobEnvironment.of(job(2, 2, 5, List.of("cn01", "cn02"), internal), FILES);
        assertThat(env).containsEntry("SLURM_JOB_ID", "7_5").containsEntry("SLURM_ARRAY_JOB_ID", "7")
                .containsEntry("SLURM_ARRAY_TASK_ID", "5").containsEntry("SLURM_ARRAY_TASK_COUNT", "3")
                .containsEntry("SLURM_ARRAY_TASK_MIN", "1").containsEntry("SLURM_ARRAY_TASK_MAX", "9")
                .containsEntry("SLURM_ARRAY_TASK_STEP", "4").containsEntry("SLURM_NTASKS", "3")
                .containsEntry("SLURM_TASKS_PER_NODE", "2,1").containsEntry("SLURM_JOB_NODELIST", "cn[01-02]")
                .containsEntry("SLURM_SUBMIT_DIR", "/work").containsEntry("PBS_ARRAYID", "5")
                .containsEntry("PBS_ARRAY_INDEX", "5").containsEntry("PBS_ARRAY_ID", "7[]");
        assertThat(env).doesNotContainKeys(SlurmSubmission.TASKS, SlurmSubmission.CPUS_PER_TASK,
                SlurmSubmission.SUBMIT_DIR, SlurmVariables.ARRAY, JobGroups.ARGUMENTS_VARIABLE);
    }

    @Test
    void anUnevenArrayHasStepOne() throws BadValueException {
        assertThat(SlurmVariables.arrayShape(ArraySpec.parse("1,3,7"))).isEqualTo("3,1,7,1");
    }

    @Test
    void theScriptsArgumentsFollowTheScriptAndAreHiddenFromItsEnvironment() {
        String encoded = JobGroups.encodeArguments(List.of("one", "two words", "a+b%c", ""));
        Job job = job(1, 1, null, List.of("node1"), Map.of(JobGroups.ARGUMENTS_VARIABLE, encoded));
        assertThat(JobRunner.commandOf(job, FILES)).containsExactly("/spool/7/script", "one", "two words", "a+b%c", "");
        assertThat(JobEnvironment.of(job, FILES)).doesNotContainKey(JobGroups.ARGUMENTS_VARIABLE);
        Job emptyArgument = job(1, 1, null, List.of("node1"),
                Map.of(JobGroups.ARGUMENTS_VARIABLE, JobGroups.encodeArguments(List.of(""))));
        assertThat(JobRunner.commandOf(emptyArgument, FILES)).containsExactly("/spool/7/script", "");
    }
}
