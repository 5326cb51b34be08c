package org.sss.queuemanager.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.SssException;
import org.sss.queuemanager.internal.pbs.Attributes;
import org.sss.queuemanager.internal.pbs.BadValueException;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.Join;
import org.sss.queuemanager.internal.slurm.OutputPattern;
import org.sss.queuemanager.internal.slurm.SlurmParseException;
import org.sss.queuemanager.internal.slurm.SlurmParser;
import org.sss.queuemanager.internal.slurm.SlurmRequest;

/**
 * An sbatch submission ({@code <job-submit dialect="slurm">}) made into the same {@link JobRequest} a qsub one
 * gives, so one job table serves both faces: the task geometry mapped onto nodes × slots
 * ({@link SlurmRequest#shape}), {@code --mem} (per node) made the job's total, {@code -D} made the job's working
 * directory, and the output and error patterns expanded per job. What only Slurm's variables need (the task count,
 * cpus per task, the submit directory before {@code -D}) is kept in the job's environment under internal names that
 * {@link JobEnvironment} reads and removes.
 */
final class SlurmSubmission {
    /** Internal variables carried in a job's environment, removed before its script sees it. */
    static final String TASKS = "SSS_SLURM_NTASKS";
    static final String CPUS_PER_TASK = "SSS_SLURM_CPUS_PER_TASK";
    static final String SUBMIT_DIR = "SSS_SLURM_SUBMIT_DIR";
    static final List<String> INTERNAL = List.of(TASKS, CPUS_PER_TASK, SUBMIT_DIR);

    private final SlurmRequest slurm;
    private final SlurmRequest.Shape shape;
    private final JobRequest request;
    private final String workdir;
    private final String submitDir;

    private SlurmSubmission(SlurmRequest slurm, SlurmRequest.Shape shape, JobRequest request, String workdir,
                            String submitDir) {
        this.slurm = slurm;
        this.shape = shape;
        this.request = request;
        this.workdir = workdir;
        this.submitDir = submitDir;
    }

    /**
     * @param scriptName  the script's name
     * @param scriptText  the script
     * @param options     the sbatch options
     * @param environment the submitter's environment
     * @param submitDir   the directory sbatch ran in
     * @param nodes       the configured nodes (none: the geometry cannot look at them)
     * @return the submission
     * @throws SssException {@code bad-value} with the parser's one-line message
     */
    static SlurmSubmission parse(String scriptName, String scriptText, List<String> options,
                                 Map<String, String> environment, String submitDir, List<ClusterNodes.Node> nodes)
            throws SssException {
        try {
            SlurmRequest slurm = SlurmParser.parse(scriptName, scriptText, options, environment);
            // The nodes that could hold the job (its features and GPUs) decide how many a task count takes.
            List<ClusterNodes.Node> able = nodes.stream()
                    .filter(node -> node.holds(1, slurm.wantedFeatures(), slurm.leastGpusPerNode())).toList();
            List<ClusterNodes.Node> sized = able.isEmpty() ? nodes : able;
            SlurmRequest.Shape shape = slurm.shape(sized.stream().mapToInt(ClusterNodes.Node::slots).max().orElse(0),
                    able.stream().mapToInt(ClusterNodes.Node::gpus).max().orElse(0));
            JobRequest.Builder derived = new JobRequest.Builder().nodes(shape.nodeShape())
                    .join(slurm.base().errorPath().isPresent() ? Join.NONE : Join.OUTPUT_AND_ERROR);
            slurm.memoryPerNode().filter(bytes -> bytes > 0).ifPresent(bytes -> derived.memory(bytes * shape.nodes()));
            JobRequest request = new JobRequest.Builder().name(Attributes.defaultName(scriptName)).build()
                    .overriddenBy(slurm.base()).overriddenBy(derived.build());
            String workdir = slurm.chdir().map(dir -> Path.of(submitDir).resolve(dir).normalize().toString())
                    .orElse(submitDir);
            return new SlurmSubmission(slurm, shape, request, workdir, submitDir);
        } catch (SlurmParseException e) {
            throw SssException.badValue(e.getMessage());
        }
    }

    /** @return the request, as a qsub one would be */
    JobRequest request() {
        return request;
    }

    /** @return the job's working directory: {@code -D}'s, else the submit directory */
    String workdir() {
        return workdir;
    }

    /**
     * @param environment the job's environment, to which the internal variables are added
     */
    void addInternal(Map<String, String> environment) {
        environment.put(TASKS, String.valueOf(shape.tasks()));
        environment.put(CPUS_PER_TASK, String.valueOf(slurm.cpusPerTask()));
        environment.put(SUBMIT_DIR, submitDir);
    }

    /**
     * @param sequence the job's number
     * @param index    its array index, or null
     * @param user     its owner
     * @return its output path then its error path (the same when joined), absolute
     * @throws SssException {@code bad-value} for a pattern that cannot be expanded
     */
    List<String> paths(long sequence, Integer index, String user) throws SssException {
        String id = index == null ? String.valueOf(sequence) : sequence + "_" + index;
        OutputPattern.Fields fields = new OutputPattern.Fields(id, String.valueOf(sequence),
                index == null ? OutputPattern.NO_ARRAY_INDEX : String.valueOf(index), request.name().orElseThrow(), user);
        String outputPattern = request.outputPath().orElse(index == null ? "slurm-%j.out" : "slurm-%A_%a.out");
        try {
            String output = resolve(OutputPattern.substitute(outputPattern, fields), fields);
            String error = request.errorPath().isPresent()
                    ? resolve(OutputPattern.substitute(request.errorPath().get(), fields), fields) : output;
            return List.of(output, error);
        } catch (BadValueException e) {
            throw SssException.badValue("--output/--error: " + e.getMessage());
        }
    }

    private String resolve(String name, OutputPattern.Fields fields) throws BadValueException {
        Path path = Path.of(workdir).resolve(name).normalize();
        if (Files.isDirectory(path)) {
            path = path.resolve(OutputPattern.substitute(fields.arrayIndex().equals(OutputPattern.NO_ARRAY_INDEX)
                    ? "slurm-%j.out" : "slurm-%A_%a.out", fields));
        }
        return path.toString();
    }
}
