package org.sss.queuemanager.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.queuemanager.internal.pbs.ArraySpec;
import org.sss.queuemanager.internal.pbs.Dependency;
import org.sss.queuemanager.internal.pbs.Join;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.NodeShape;
import org.sss.queuemanager.internal.pbs.PbsException;
import org.sss.queuemanager.internal.pbs.PbsParser;
import org.sss.queuemanager.internal.pbs.Walltime;
import org.sss.queuemanager.internal.slurm.SlurmParseException;
import org.sss.queuemanager.internal.slurm.SlurmParser;
import org.sss.schema.JobEnvType;
import org.sss.schema.JobSubmit;

/**
 * Turns a {@code job-submit} into jobs, refusing bad input before anything is stored with one line naming the
 * directive or option: the script's directives and the options (options win), then the queue's rules (it must
 * exist and admit the user; walltime and node limits), the cluster's size, and dependencies (each job named must
 * exist), and the nodes a job names (each must be one the node state manager knows, with the slots the job asks, and
 * none both required and excluded). Output paths default to {@code NAME.oSEQ} and {@code NAME.eSEQ} in the submit directory, as qsub's do.
 * A {@code dialect="slurm"} submission is read by {@link SlurmSubmission} instead, into the same kind of job.
 */
public final class Submissions {
    /** PBS Pro's place for an array element's index in {@code -o} and {@code -e} paths. */
    static final String ARRAY_INDEX = "^array_index^";
    private final QueueManagerSettings settings;
    private final JobTable table;
    private final NodeChoices nodeChoices;
    private final ReservationAccess reservations;
    private final QosChoice qosChoice;

    /** Checks that nodes a job names exist. */
    @FunctionalInterface
    public interface NodeCheck {
        /**
         * @param nodes names a job gives
         * @throws SssException {@code bad-value} naming one that is not a node; the check's own failure when it
         *                      cannot be made
         */
        void check(List<String> nodes) throws SssException;
    }

    /** Checks that a job may run in an advance reservation. */
    @FunctionalInterface
    public interface ReservationAccess {
        /**
         * @param spec a job's request, naming a reservation
         * @throws SssException {@code bad-value} when it could never run there; the check's own failure when it
         *                      cannot be made
         */
        void check(Job.JobSpec spec) throws SssException;
    }

    /**
     * @param settings     the queues and nodes
     * @param table        the jobs (for the numbers and the dependencies)
     * @param known        checks node names (against the node state manager's nodes)
     * @param reservations checks a job's advance reservation (against the scheduler's)
     */
    public Submissions(QueueManagerSettings settings, JobTable table, NodeCheck known, ReservationAccess reservations) {
        this.settings = settings;
        this.table = table;
        this.nodeChoices = new NodeChoices(settings, known);
        this.reservations = reservations;
        this.qosChoice = new QosChoice(settings);
    }

    /**
     * @param request   the submission
     * @param principal who submits
     * @return the jobs to store: one, or an array's elements
     * @throws SssException {@code bad-value} naming the directive or option, {@code permission-denied} for a
     *                      queue or user the caller may not use
     */
    public List<Job> jobsOf(JobSubmit request, Principal principal) throws SssException {
        String user = owner(request, principal);
        Map<String, String> environment = new LinkedHashMap<>();
        for (JobEnvType variable : request.getEnv()) {
            environment.put(variable.getName(), variable.getValue());
        }
        if (!request.getWorkdir().startsWith("/")) {
            throw SssException.badValue("workdir " + request.getWorkdir() + ": not an absolute path");
        }
        JobRequest asked;
        SlurmSubmission slurm = null;
        if ("slurm".equals(request.getDialect())) {
            slurm = SlurmSubmission.parse(request.getScript().getName(), request.getScript().getValue(),
                    request.getOption(), environment, request.getWorkdir(), settings.nodes());
            asked = slurm.request();
            if (asked.priority().orElse(0) > 0 && !principal.isPrivileged()) {
                throw SssException.permissionDenied("--nice=" + -asked.priority().get() + ": only an administrator may"
                        + " give a negative nice, which would put the job ahead of others' (Slurm's rule)");
            }
        } else if (request.getDialect() == null || request.getDialect().equals("pbs")) {
            try {
                asked = PbsParser.parse(request.getScript().getName(), request.getScript().getValue(),
                        request.getOption(), environment);
            } catch (PbsException e) {
                throw SssException.badValue(e.getMessage());
            }
        } else {
            throw SssException.badValue("dialect " + request.getDialect() + ": expected pbs or slurm");
        }
        long sequence = table.nextSequence();
        Job.JobSpec spec;
        try {
            spec = specOf(asked, user, request, environment, sequence, null, slurm, null);
        } catch (SssException | RuntimeException e) {
            table.giveBack(sequence); // a refused submission leaves no gap in the numbers
            throw e;
        }
        List<Job> jobs = new ArrayList<>();
        Instant now = Instant.now();
        Job.State state = asked.hold() ? Job.State.HELD : Job.State.QUEUED;
        Job.Hold hold = asked.hold() ? Job.Hold.USER : Job.Hold.NONE; // qsub -h: a user hold, as in PBS
        if (asked.array().isPresent()) {
            for (int index : asked.array().get().indices()) {
                Job.JobSpec element = specOf(asked, user, request, environment, sequence, index, slurm,
                        spec.nodeChoice()); // checked once for the whole array
                jobs.add(new Job(sequence + "[" + index + "]", sequence, index, element, state, hold, now, null, null,
                        List.of(), null, null, asked.hold() ? "held" : "", 0, JobUsage.NONE));
            }
        } else {
            jobs.add(new Job(String.valueOf(sequence), sequence, null, spec, state, hold, now, null, null, List.of(),
                    null, null, asked.hold() ? "held" : "", 0, JobUsage.NONE));
        }
        return jobs;
    }

    /**
     * Checks qalter-style options against a waiting job and applies them.
     *
     * @param job     the job, queued or held
     * @param options the options
     * @return the job's new request
     * @throws SssException {@code bad-value} naming the option
     */
    public Job.JobSpec modified(Job job, List<String> options) throws SssException {
        JobRequest change;
        try {
            change = PbsParser.options(options);
        } catch (PbsException e) {
            throw SssException.badValue(e.getMessage());
        }
        if (change.array().isPresent()) {
            throw SssException.badValue("-t/-J: an array cannot be made by altering a job");
        }
        String fixed = fixedAtSubmission(change);
        if (fixed != null) {
            throw SssException.badValue(fixed + ": qalter cannot change it; it is fixed when the job is submitted");
        }
        return modified(job, change, false);
    }

    /**
     * Checks sbatch-style options (scontrol update's, in their long form) against a waiting job and applies them. As
     * in Slurm, only an administrator raises a job's time limit or gives it a negative nice.
     *
     * @param job     the job, queued or held
     * @param options the options: only those a waiting job may change ({@link SlurmParser#update})
     * @param by      who asks
     * @return the job's new request
     * @throws SssException {@code bad-value} naming the option, {@code permission-denied} for a raise by a user
     */
    public Job.JobSpec modifiedSlurm(Job job, List<String> options, Principal by) throws SssException {
        JobRequest change;
        try {
            change = SlurmParser.update(options);
        } catch (SlurmParseException e) {
            throw SssException.badValue(e.getMessage());
        }
        Job.JobSpec changed = modified(job, change, true);
        if (!by.isPrivileged()) {
            long before = job.spec().walltime();
            if (change.walltime().isPresent() && before > 0 && (changed.walltime() == 0 || changed.walltime() > before)) {
                throw SssException.permissionDenied("--time=" + (changed.walltime() == 0 ? "UNLIMITED"
                        : Walltime.format(changed.walltime())) + ": only an administrator may raise a job's time limit"
                        + " (it is " + Walltime.format(before) + ")");
            }
            if (change.priority().isPresent() && changed.priority() > 0) {
                throw SssException.permissionDenied("--nice=" + -changed.priority() + ": only an administrator may give"
                        + " a negative nice");
            }
        }
        return changed;
    }

    /** Applies a change to a waiting job's request, checked as a submission is; refusals name qsub's or sbatch's options. */
    private Job.JobSpec modified(Job job, JobRequest change, boolean sbatch) throws SssException {
        Job.JobSpec old = job.spec();
        QueueManagerSettings.Queue queue = queue(change.queue().orElse(old.queue()), old.user(), sbatch);
        NodeShape shape = change.nodes().orElse(new NodeShape(old.nodes(), old.ppn(), old.nodeChoice().required(),
                old.nodeChoice().features(), old.nodeChoice().gpus()));
        checkShape(shape, queue, sbatch);
        QueueManagerSettings.Qos qos = change.qos().isPresent() ? qosChoice.of(change.qos(), old.user(), sbatch)
                : old.qos() == null ? null : settings.qos(old.qos()).orElse(null); // one no longer configured: no limits
        QosChoice.checkNodes(qos, shape.nodes(), shapeWords(shape, sbatch));
        NodeChoice nodeChoice = change.nodes().isEmpty() && change.excludedNodes().isEmpty() ? old.nodeChoice()
                : nodeChoices.checked(shape, change.excludedNodes().orElse(old.nodeChoice().excluded()), sbatch);
        long walltime = walltime(queue, change.walltime().orElse(old.walltime()), sbatch);
        if (change.walltime().filter(asked -> asked > 0).isPresent()) {
            walltime = QosChoice.walltime(qos, walltime, true, sbatch);
        } else if (change.walltime().isPresent() || change.qos().isPresent()) {
            // -l walltime=0 (none) or the queue's default walltime is cut to the QOS's; a walltime asked for before
            // is kept, or refused when over the QOS's longest
            boolean defaulted = change.walltime().isPresent()
                    || walltime == walltime(queue, queue.defaultWalltime(), sbatch);
            walltime = defaulted ? QosChoice.walltime(qos, walltime, false, sbatch)
                    : QosChoice.keptWalltime(qos, walltime, sbatch);
        }
        String reservation = change.reservation().isEmpty() ? old.reservation()
                : change.reservation().get().isEmpty() ? null : change.reservation().get(); // advres= takes it out
        String depend = change.dependenciesCleared() ? "" : change.dependencies().isEmpty() ? old.depend()
                : depend(change.dependencies(), sbatch);
        String name = change.name().orElse(old.name());
        long cycle = Dependencies.cycleThrough(table, depend, job.sequence(), old.user(), name);
        if (cycle >= 0) {
            throw SssException.badValue((change.dependencies().isEmpty() ? (sbatch ? "--job-name=" : "-N ") + name
                    : (sbatch ? "--dependency=" : "-W depend=") + depend)
                    + ": job " + job.sequence() + " would wait for itself"
                    + (cycle == job.sequence() ? "" : " (job " + cycle + " waits for it)"));
        }
        Job.JobSpec changed = new Job.JobSpec(old.user(), change.name().orElse(old.name()), queue.name(), shape.nodes(), shape.ppn(), walltime,
                change.priority().orElse(old.priority()), change.account().orElse(old.account()), old.workdir(),
                old.submitHost(), old.scriptName(), old.script(), old.outputPath(), old.errorPath(), old.join(), depend,
                change.mailEvents().map(Submissions::mailPoints).orElse(old.mailEvents()),
                change.mailUsers().isEmpty() ? old.mailUsers() : String.join(",", change.mailUsers()), old.environment(),
                limitsOf(change, old.limits()), old.arrayLimit(),
                change.begin().orElse(old.begin()), nodeChoice, keptEndSignal(old, walltime, sbatch), reservation,
                change.rerunnable().orElse(old.rerunnable()),
                change.qos().isPresent() ? (qos == null ? null : qos.name()) : old.qos());
        if (reservation != null && (change.reservation().isPresent() || change.nodes().isPresent()
                || change.walltime().isPresent() || change.excludedNodes().isPresent() || change.queue().isPresent())) {
            reservations.check(changed); // last: the local checks first, then the scheduler's round trip
        }
        return changed;
    }

    private String owner(JobSubmit request, Principal principal) throws SssException {
        String asked = request.getUser();
        if (!principal.isPrivileged()) {
            if (asked != null && !asked.equals(principal.user())) {
                throw SssException.permissionDenied(principal + " may not submit jobs for " + asked);
            }
            return principal.user();
        }
        if (asked != null && !asked.isBlank()) {
            return asked.strip();
        }
        if (principal.user() != null && !principal.user().isBlank()) {
            return principal.user();
        }
        throw SssException.invalidRequest("a job-submit from " + principal + " must name its user");
    }

    private Job.JobSpec specOf(JobRequest asked, String user, JobSubmit request, Map<String, String> submitterEnv,
                               long sequence, Integer index, SlurmSubmission slurm, NodeChoice checked)
            throws SssException {
        boolean sbatch = slurm != null;
        QueueManagerSettings.Queue queue = queue(asked.queue().orElse(settings.defaultQueue().name()), user, sbatch);
        NodeShape shape = asked.nodes().orElse(new NodeShape(1, 1));
        checkShape(shape, queue, sbatch);
        QueueManagerSettings.Qos qos = qosChoice.of(asked.qos(), user, sbatch);
        QosChoice.checkNodes(qos, shape.nodes(), shapeWords(shape, sbatch));
        NodeChoice nodeChoice = checked != null ? checked : nodeChoices.checked(shape, asked.excludedNodes().orElse(List.of()), sbatch);
        String reservation = asked.reservation().filter(name -> !name.isEmpty()).orElse(null);
        long walltime = QosChoice.walltime(qos, walltime(queue, asked.walltime().orElse(queue.defaultWalltime()), sbatch),
                asked.walltime().filter(seconds -> seconds > 0).isPresent(), sbatch); // 0 (none): cut, as not asked
        String depend = depend(asked.dependencies(), sbatch);
        String name = asked.name().orElseThrow();
        String workdir = slurm == null ? request.getWorkdir() : slurm.workdir();
        String suffix = sequence + (index == null ? "" : "-" + index);
        Join join = asked.join().orElse(Join.NONE);
        String output = path(asked.outputPath().map(path -> indexed(path, index)), workdir, name + ".o" + suffix);
        String error = path(asked.errorPath().map(path -> indexed(path, index)), workdir, name + ".e" + suffix);
        if (join == Join.OUTPUT_AND_ERROR) {
            error = output;
        } else if (join == Join.ERROR_AND_OUTPUT) {
            output = error;
        }
        if (slurm != null) {
            List<String> paths = slurm.paths(sequence, index, user);
            output = paths.get(0);
            error = paths.get(1);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (asked.exportAll()) {
            environment.putAll(submitterEnv);
        }
        environment.putAll(asked.variables());
        for (String origin : List.of("HOME", "LANG", "LOGNAME", "PATH", "MAIL", "SHELL", "TZ")) {
            Optional.ofNullable(submitterEnv.get(origin)).ifPresent(value -> environment.put("PBS_O_" + origin, value));
        }
        if (slurm != null) {
            slurm.addInternal(environment);
        }
        if (!request.getArgument().isEmpty()) {
            environment.put(JobGroups.ARGUMENTS_VARIABLE, JobGroups.encodeArguments(request.getArgument()));
        }
        asked.array().ifPresent(array -> environment.put(SlurmVariables.ARRAY, SlurmVariables.arrayShape(array)));
        asked.shell().ifPresent(shell -> environment.put(JobRunner.SHELL_VARIABLE, shell));
        String mailEvents = asked.mailEvents().map(Submissions::mailPoints).orElse("");
        Job.JobSpec spec = new Job.JobSpec(user, name, queue.name(), shape.nodes(), shape.ppn(), walltime, asked.priority().orElse(0),
                asked.account().orElse(""), workdir, request.getHost() == null ? "" : request.getHost(),
                request.getScript().getName(), request.getScript().getValue(), output, error,
                join == Join.OUTPUT_AND_ERROR ? "oe" : join == Join.ERROR_AND_OUTPUT ? "eo" : "n", depend, mailEvents,
                String.join(",", asked.mailUsers()), environment, limitsOf(asked, JobLimits.NONE),
                index == null ? null : asked.array().flatMap(ArraySpec::maxRunning).orElse(null),
                asked.begin().orElse(null), nodeChoice, endSignal(asked, walltime), reservation,
                asked.rerunnable().orElse(true), qos == null ? null : qos.name());
        if (reservation != null && checked == null) { // an array's elements: checked once, with the first
            reservations.check(spec); // last: the local checks first, then the scheduler's round trip
        }
        return spec;
    }

    /** A job's --signal through a qalter, which may not take away the walltime it is sent before. */
    static org.sss.queuemanager.internal.pbs.EndSignal keptEndSignal(Job.JobSpec old, long walltime,
                                                                             boolean sbatch) throws SssException {
        if (old.endSignal() != null && walltime <= 0) {
            throw SssException.badValue((sbatch ? "--time" : "-l walltime") + ": the job has --signal="
                    + old.endSignal() + ", which needs a time limit to be sent before");
        }
        return old.endSignal();
    }

    /** sbatch's --signal, refused for a job without a time limit (there is no end to signal before). */
    private static org.sss.queuemanager.internal.pbs.EndSignal endSignal(JobRequest asked, long walltime)
            throws SssException {
        if (asked.endSignal().isPresent() && walltime <= 0) {
            throw SssException.badValue("--signal=" + asked.endSignal().get() + ": the job has no time limit to "
                    + "signal before (give --time, or use a partition with a default)");
        }
        return asked.endSignal().orElse(null);
    }


    /** The request's -l mem, pmem, vmem and cput, each replacing the one in {@code old}. */
    private static JobLimits limitsOf(JobRequest asked, JobLimits old) {
        return new JobLimits(asked.memory().orElse(old.memory()), asked.processMemory().orElse(old.processMemory()),
                asked.virtualMemory().orElse(old.virtualMemory()), asked.cputime().orElse(old.cpuSeconds()));
    }

    /** Queue, shape and walltime refusals name the option as the submitter spelled it: qsub's, or sbatch's. */
    private QueueManagerSettings.Queue queue(String name, String user, boolean sbatch) throws SssException {
        String option = sbatch ? "--partition=" + name : "-q " + name;
        QueueManagerSettings.Queue queue = settings.queue(name).orElseThrow(() -> SssException.badValue(option + ": unknown "
                        + (sbatch ? "partition (partitions: " : "queue (queues: ")
                        + String.join(", ", settings.queues().stream().map(QueueManagerSettings.Queue::name).toList()) + ")"));
        if (!queue.admits(user)) {
            throw SssException.permissionDenied(option + ": the queue does not admit user " + user);
        }
        return queue;
    }

    /** @return a job's shape as its owner asked for it, for a refusal: qsub's {@code -l nodes}, or sbatch's options */
    private static String shapeWords(NodeShape shape, boolean sbatch) {
        return sbatch ? shape.nodes() + " node(s) of " + shape.ppn() + " slot(s) (from --nodes, --ntasks, "
                + "--ntasks-per-node and --cpus-per-task)" : "-l nodes=" + shape.nodes() + ":ppn=" + shape.ppn();
    }

    private void checkShape(NodeShape shape, QueueManagerSettings.Queue queue, boolean sbatch) throws SssException {
        String asked = shapeWords(shape, sbatch);
        if (queue.maxNodes() > 0 && shape.nodes() > queue.maxNodes()) {
            throw SssException.badValue(asked + ": queue " + queue.name() + " allows at most " + queue.maxNodes() + " node(s)");
        }
        if (!settings.nodes().isEmpty()) {
            long fitting = settings.nodes().stream().filter(node -> node.slots() >= shape.ppn()).count();
            if (fitting < shape.nodes()) {
                throw SssException.badValue(asked + ": the cluster has " + fitting + " node(s) with " + shape.ppn()
                        + " or more slots");
            }
        }
    }

    static long walltime(QueueManagerSettings.Queue queue, long value, boolean sbatch) throws SssException {
        if (queue.maxWalltime() > 0 && value > queue.maxWalltime()) {
            throw SssException.badValue((sbatch ? "--time=" : "-l walltime=") + Walltime.format(value) + ": queue "
                    + queue.name()
                    + " allows at most " + Walltime.format(queue.maxWalltime()));
        }
        if (value == 0 && queue.maxWalltime() > 0) {
            return queue.maxWalltime();
        }
        return value;
    }

    private String depend(List<Dependency> dependencies, boolean sbatch) throws SssException {
        List<String> parts = new ArrayList<>();
        for (Dependency dependency : dependencies) {
            for (String id : dependency.jobIds()) {
                if (Dependencies.jobsNamed(table, id).isEmpty()) {
                    throw SssException.badValue((sbatch ? "--dependency=" : "-W depend=") + dependency.type().keyword()
                            + ":" + id + ": no job " + id);
                }
            }
            parts.add(dependency.type() == Dependency.Type.SINGLETON ? dependency.type().keyword()
                    : dependency.type().keyword() + ":" + String.join(":", dependency.jobIds()));
        }
        return String.join(",", parts);
    }

    /**
     * @param path  an output or error path as asked
     * @param index an array element's index, or null
     * @return the path with PBS Pro's {@code ^array_index^} replaced by the element's index (an element's own file)
     */
    static String indexed(String path, Integer index) {
        return index == null ? path : path.replace(ARRAY_INDEX, String.valueOf(index));
    }

    /** @return {@code -m}'s events as PBS writes them ({@code abe}, {@code n} for none) */
    private static String mailPoints(java.util.Set<org.sss.queuemanager.internal.pbs.MailEvent> events) {
        return events.isEmpty() ? "n" : String.join("", events.stream()
                .map(event -> event.name().substring(0, 1).toLowerCase(java.util.Locale.ROOT)).toList());
    }

    /** @return the first option given that a qalter cannot change (output, environment, shell, hold), or null */
    private static String fixedAtSubmission(JobRequest change) {
        if (change.outputPath().isPresent()) {
            return "-o";
        }
        if (change.errorPath().isPresent()) {
            return "-e";
        }
        if (change.join().isPresent()) {
            return "-j";
        }
        if (change.exportAll() || !change.variables().isEmpty()) {
            return change.exportAll() ? "-V" : "-v";
        }
        if (change.shell().isPresent()) {
            return "-S";
        }
        return change.hold() ? "-h (qhold holds a job)" : null;
    }

    private static String path(Optional<String> asked, String workdir, String defaultName) {
        if (asked.isEmpty()) {
            return Path.of(workdir, defaultName).toString();
        }
        Path path = Path.of(workdir).resolve(asked.get()).normalize();
        return Files.isDirectory(path) ? path.resolve(defaultName).toString() : path.toString();
    }
}
