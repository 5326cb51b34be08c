package org.sss.queuemanager.internal.slurm;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sss.queuemanager.internal.pbs.ArraySpec;
import org.sss.queuemanager.internal.pbs.Attributes;
import org.sss.queuemanager.internal.pbs.BadValueException;
import org.sss.queuemanager.internal.pbs.BeginTime;
import org.sss.queuemanager.internal.pbs.Dependency;
import org.sss.queuemanager.internal.pbs.EndSignal;
import org.sss.queuemanager.internal.pbs.HostListExpansion;
import org.sss.queuemanager.internal.pbs.JobRequest;

/**
 * Reads sbatch options, from {@code #SBATCH} lines and then the command line, into one {@link SlurmRequest}; a later
 * option replaces an earlier one (so the command line wins, as with sbatch). Short options take their value from the
 * rest of the word or the next word ({@code -N2}, {@code -N 2}); long ones from {@code =} or the next word
 * ({@code --nodes=2}, {@code --nodes 2}) and may be abbreviated. Every option this reader does not know is refused
 * by name. Not thread-safe.
 */
final class SlurmOptionReader {
    /** The largest node, task or cpus-per-task count accepted. */
    static final int MAX_COUNT = 100_000;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([KMGT]?)", Pattern.CASE_INSENSITIVE);
    private final Map<String, String> environment;
    private final JobRequest.Builder base = new JobRequest.Builder();
    private Integer nodes;
    private Integer tasks;
    private Integer tasksPerNode;
    private int cpusPerTask = 1;
    private String chdir;
    private boolean exportAll = true;
    private SequencedMap<String, String> exported = new java.util.LinkedHashMap<>();
    private Long memPerNode;
    private Long memPerCpu;
    private List<String> nodelist = List.of();
    private List<String> constraint = List.of();
    private SlurmExtras.GpuAsk gpusPerNode;
    private SlurmExtras.GpuAsk gpusInAll;

    /** @param environment the submitter's environment, for {@code --export=NAME} without a value */
    SlurmOptionReader(Map<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * @param words  options split into words
     * @param source where they come from
     * @throws SlurmParseException naming the first bad option
     */
    void read(List<String> words, SlurmSource source) throws SlurmParseException {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--") && word.length() > 2) {
                int equals = word.indexOf('=');
                String name = equals < 0 ? word.substring(2) : word.substring(2, equals);
                Optional<SlurmOption> option;
                try {
                    option = SlurmOption.ofLongName(name);
                } catch (IllegalArgumentException e) {
                    throw source.bad("--" + name, e.getMessage());
                }
                if (option.isEmpty()) {
                    throw source.unknown("--" + name);
                }
                String value = null;
                if (option.get().valued()) {
                    if (equals >= 0) {
                        value = word.substring(equals + 1);
                    } else if (i + 1 < words.size()) {
                        value = words.get(++i);
                    } else {
                        throw source.bad("--" + option.get().longName(), "needs a value");
                    }
                } else if (equals >= 0 && option.get().optionalValue()) {
                    value = word.substring(equals + 1);
                } else if (equals >= 0) {
                    throw source.bad(word, "takes no value");
                }
                apply(option.get(), "--" + option.get().longName(), value, source);
            } else if (word.startsWith("-") && word.length() > 1 && !word.equals("--")) {
                int at = 1;
                while (at < word.length()) {
                    char letter = word.charAt(at++);
                    Optional<SlurmOption> option = SlurmOption.ofLetter(letter);
                    if (option.isEmpty()) {
                        throw source.unknown("-" + letter);
                    }
                    if (!option.get().valued()) {
                        apply(option.get(), "-" + letter, null, source);
                        continue;
                    }
                    String value;
                    if (at < word.length()) {
                        value = word.substring(at);
                    } else if (i + 1 < words.size()) {
                        value = words.get(++i);
                    } else {
                        throw source.bad("-" + letter, "needs a value");
                    }
                    apply(option.get(), "-" + letter, value, source);
                    break;
                }
            } else {
                throw source.bad(word, "unexpected argument (options come before the script)");
            }
        }
    }

    /** @return what an update's options ask for, nothing else (no defaults of a submission's) */
    JobRequest update() {
        return base.build();
    }

    /** @return what the options read so far ask for */
    SlurmRequest request() {
        JobRequest.Builder built = base;
        if (exportAll) {
            built.exportAll();
        }
        exported.forEach(built::variable);
        if (memPerCpu != null) {
            built.processMemory(memPerCpu);
        }
        return new SlurmRequest(built.build(), Optional.ofNullable(nodes), Optional.ofNullable(tasks),
                Optional.ofNullable(tasksPerNode), cpusPerTask, Optional.ofNullable(chdir),
                Optional.ofNullable(memPerNode), nodelist, constraint, Optional.ofNullable(gpusPerNode),
                Optional.ofNullable(gpusInAll));
    }

    private void apply(SlurmOption option, String typed, String value, SlurmSource source) throws SlurmParseException {
        String shown = value == null ? typed : typed + "=" + value;
        if (option.commandOnly() && !source.isCommandLine()) {
            throw source.bad(typed, "give it on the sbatch command line, not in the script");
        }
        if (source.isUpdate() && !option.changeable()) {
            throw source.bad(typed, "cannot be changed once the job is submitted");
        }
        if (source.isUpdate() && value != null && value.isEmpty() && clear(option)) {
            return;
        }
        try {
            switch (option) {
                case NODES -> nodes = nodeCount(value);
                case NTASKS -> tasks = count(value, "task count");
                case NTASKS_PER_NODE -> tasksPerNode = count(value, "tasks per node");
                case CPUS_PER_TASK -> cpusPerTask = cpus(value);
                case TIME -> base.walltime(SlurmTime.parse(value));
                case JOB_NAME -> base.name(Attributes.name(value));
                case OUTPUT -> base.outputPath(OutputPattern.check(value));
                case ERROR -> base.errorPath(OutputPattern.check(value));
                case PARTITION -> base.queue(Attributes.queue(value));
                case ARRAY -> base.array(ArraySpec.parse(value));
                case DEPENDENCY -> base.dependencies(dependencies(value));
                case MEM -> memPerNode = megabytes(value, true);
                case MEM_PER_CPU -> memPerCpu = megabytes(value, false);
                case EXPORT -> export(value);
                case CHDIR -> chdir = chdir(value);
                case HOLD -> base.hold();
                case REQUEUE -> base.rerunnable(true);
                case NO_REQUEUE -> base.rerunnable(false);
                case ACCOUNT -> base.account(Attributes.account(value));
                case BEGIN -> base.begin(BeginTime.ofSlurm(value, java.time.ZonedDateTime.now()));
                case NODELIST -> nodelist = HostListExpansion.nodeNames(value);
                case EXCLUDE -> base.excludedNodes(HostListExpansion.nodeNames(value));
                case SIGNAL -> base.endSignal(EndSignal.ofSlurm(value));
                case CONSTRAINT -> constraint = SlurmExtras.features(value);
                case GRES -> gpusPerNode = SlurmExtras.gres(value);
                case GPUS_PER_NODE -> gpusPerNode = SlurmExtras.gpus(value);
                case GPUS -> gpusInAll = SlurmExtras.gpus(value);
                case RESERVATION -> base.reservation(Attributes.reservation(value));
                case QOS -> base.qos(Attributes.qos(value));
                case MAIL_TYPE -> base.mailEvents(SlurmExtras.mailEvents(value));
                case MAIL_USER -> base.mailUsers(Attributes.mailUsers(value));
                case NICE -> base.priority(SlurmExtras.priorityOfNice(value == null ? "100" : value));
                case HINT -> SlurmExtras.checkHint(value);
                case TIME_MIN -> SlurmTime.parse(value);
                case KILL_ON_INVALID_DEP -> SlurmExtras.checkKillOnInvalidDependency(value);
                case EXCLUSIVE -> SlurmExtras.checkExclusive(value);
                case QUIET, VERBOSE, WRAP, PARSABLE, WAIT -> {
                    // what every job gets here, or acted on by the sbatch command: the request carries nothing
                }
                default -> throw new IllegalStateException("no handler for " + option);
            }
        } catch (BadValueException e) {
            throw source.bad(shown, e.getMessage());
        }
    }

    /**
     * An update's option given no value (scontrol update's {@code Dependency=}): clears what it sets, where that
     * means something.
     *
     * @return whether it was cleared (else its value is read as given, and refused when empty)
     */
    private boolean clear(SlurmOption option) {
        switch (option) {
            case DEPENDENCY -> base.clearDependencies();
            case EXCLUDE -> base.excludedNodes(List.of());
            case RESERVATION -> base.reservation(""); // out of it
            case QOS -> base.qos(""); // the default one
            case ACCOUNT -> base.account("");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int nodeCount(String value) throws BadValueException {
        if (value.matches("\\d+-\\d+")) {
            String[] bounds = value.split("-");
            if (!bounds[0].replaceFirst("^0+(?=.)", "").equals(bounds[1].replaceFirst("^0+(?=.)", ""))) {
                throw new BadValueException("node count ranges (MIN-MAX) are not supported; give one number");
            }
            value = bounds[0];
        }
        return count(value, "node count");
    }

    private static int count(String value, String what) throws BadValueException {
        if (!value.matches("\\d{1,9}")) {
            throw new BadValueException(what + " must be a whole number");
        }
        int count = Integer.parseInt(value);
        if (count < 1) {
            throw new BadValueException(what + " must be at least 1");
        }
        if (count > MAX_COUNT) {
            throw new BadValueException(what + " must be at most " + MAX_COUNT);
        }
        return count;
    }

    private static int cpus(String value) throws BadValueException {
        int count = count(value, "cpus per task");
        if (count > 1024) {
            throw new BadValueException("cpus per task must be at most 1024");
        }
        return count;
    }

    private static List<Dependency> dependencies(String value) throws BadValueException {
        if (value.contains("?")) {
            throw new BadValueException("dependencies joined by ? (any of) are not supported; use , (all of)");
        }
        return Dependency.parseList(value);
    }

    /**
     * @param value Slurm's memory size: a whole number of megabytes, or with a K, M, G or T suffix (powers of 1024)
     * @param zeroAllowed whether 0 (all of each node's memory: no limit of the job's own) is accepted
     * @return bytes, 0 for {@code 0}
     */
    static long megabytes(String value, boolean zeroAllowed) throws BadValueException {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new BadValueException("expected a size in megabytes, or with a K, M, G or T suffix (4096, 4G)");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "G" -> 30;
            case "T" -> 40;
            default -> 20;
        };
        long number = Long.parseLong(m.group(1));
        if (number == 0 && !zeroAllowed) {
            throw new BadValueException("size must be more than 0");
        }
        if (number > Long.MAX_VALUE >> shift) {
            throw new BadValueException("size is too large");
        }
        return number << shift;
    }

    private void export(String value) throws BadValueException {
        exported = new java.util.LinkedHashMap<>();
        if (value.equals("NONE")) {
            exportAll = false;
            return;
        }
        if (value.equals("ALL")) {
            exportAll = true;
            return;
        }
        String list = value;
        exportAll = false;
        if (value.startsWith("ALL,")) {
            exportAll = true;
            list = value.substring(4);
        } else if (value.startsWith("NONE,")) {
            list = value.substring(5);
        }
        exported = Attributes.variables(list, environment);
    }

    private static String chdir(String value) throws BadValueException {
        if (value.isEmpty() || value.chars().anyMatch(Character::isISOControl)) {
            throw new BadValueException("expected a directory");
        }
        return value;
    }
}
