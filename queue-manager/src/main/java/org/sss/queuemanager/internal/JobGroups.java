package org.sss.queuemanager.internal;

import java.util.List;
import java.util.Map;
import org.sss.schema.ArgType;
import org.sss.schema.CreatepgType;
import org.sss.schema.EnvType;
import org.sss.schema.OutputMode;
import org.sss.schema.PgSpec;

/**
 * A job as the process group that runs it: one rank, the script, on the job's first node, as its user, in its submit
 * directory, with the job's PATH and environment (the PBS_ variables), its standard output and error opened by the
 * job's mpd as its output files, and the group's pgid the job's (one per run: {@code job-ID-RUN}, which the process
 * manager's events carry back). The group is held to the job's nodes (its {@code allocation}: whatever the script
 * starts with mpiexec runs there only) and limits: the memory each node may use ({@link JobLimits#memoryPerNode})
 * and the job's CPU time, which the mpds enforce through each node's control group for the job. Stateless.
 */
final class JobGroups {
    /** Where a submission keeps its {@code -S} shell (in the job's environment). */
    static final String SHELL_VARIABLE = "SSS_JOB_SHELL";
    /** Internal: the script's arguments (sbatch SCRIPT ARGS), each URL-encoded, separated by spaces. */
    static final String ARGUMENTS_VARIABLE = "SSS_SCRIPT_ARGS";
    private final String jobPath;

    /** @param jobPath the PATH a job's script runs with */
    JobGroups(String jobPath) {
        this.jobPath = jobPath;
    }

    /**
     * @param job   the job, started
     * @param files its spool files
     * @return the create-process-group request that runs it
     */
    CreatepgType groupOf(Job job, JobSpool.JobFiles files) {
        Job.JobSpec spec = job.spec();
        CreatepgType group = new CreatepgType();
        group.setPgid(job.pgid());
        group.setSubmitter(spec.user());
        group.setTotalprocs(1);
        group.setOutput(OutputMode.MERGED);
        group.setAllocation(String.join(" ", job.allocated()));
        long memory = spec.limits().memoryPerNode(job.allocated().size(), spec.ppn());
        if (memory > 0) {
            group.setMemoryLimit(memory);
        }
        if (spec.limits().cpuSeconds() > 0) {
            group.setCpuLimit(spec.limits().cpuSeconds());
        }
        PgSpec process = new PgSpec();
        List<String> command = commandOf(job, files);
        process.setExec(command.getFirst());
        process.setUser(spec.user());
        process.setCwd(spec.workdir());
        process.setPath(jobPath);
        process.setHost(job.allocated().getFirst());
        process.setStdout(spec.outputPath());
        process.setStderr(spec.errorPath());
        List<String> args = command.subList(1, command.size());
        for (int i = 0; i < args.size(); i++) {
            ArgType arg = new ArgType();
            arg.setIdx(String.valueOf(i + 1));
            arg.setValue(args.get(i));
            process.getArgOrEnvOrLimit().add(arg);
        }
        for (Map.Entry<String, String> variable : JobEnvironment.of(job, files).entrySet()) {
            EnvType env = new EnvType();
            env.setName(variable.getKey());
            env.setValue(variable.getValue());
            process.getArgOrEnvOrLimit().add(env);
        }
        group.getProcessSpecOrHostSpec().add(process);
        return group;
    }

    /**
     * How a job's script is run: by the shell {@code -S} named, else as the program its {@code #!} line names (the
     * script is executed), else by {@code /bin/sh}, as a shell runs a script without one.
     *
     * @param job   the job
     * @param files its spool files
     * @return the program and its arguments
     */
    static List<String> commandOf(Job job, JobSpool.JobFiles files) {
        String script = files.script().toString();
        String shell = job.spec().environment().get(SHELL_VARIABLE);
        List<String> command = new java.util.ArrayList<>();
        if (shell != null && !shell.isEmpty()) {
            command.addAll(List.of(shell, script));
        } else {
            command.addAll(job.spec().script().startsWith("#!") ? List.of(script) : List.of("/bin/sh", script));
        }
        command.addAll(decodeArguments(job.spec().environment().get(ARGUMENTS_VARIABLE)));
        return List.copyOf(command);
    }

    /**
     * @param arguments a script's arguments
     * @return them as {@link #ARGUMENTS_VARIABLE} holds them
     */
    static String encodeArguments(List<String> arguments) {
        return String.join(" ", arguments.stream()
                .map(a -> java.net.URLEncoder.encode(a, java.nio.charset.StandardCharsets.UTF_8)).toList());
    }

    private static List<String> decodeArguments(String encoded) {
        if (encoded == null) {
            return List.of();
        }
        return java.util.Arrays.stream(encoded.split(" ", -1))
                .map(a -> java.net.URLDecoder.decode(a, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
}
