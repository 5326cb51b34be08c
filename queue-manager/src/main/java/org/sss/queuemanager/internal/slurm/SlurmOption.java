package org.sss.queuemanager.internal.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sbatch options this queue manager reads, by long name and short letter, and whether each takes a value. Some
 * are taken without acting on them, because what they ask for is what every job gets here or is only a hint:
 * {@code --exclusive} (a job holds its nodes whole), {@code --hint} (ranks are not bound to cores),
 * {@code --time-min} (a job runs with its {@code --time}), {@code --kill-on-invalid-dep=yes}, {@code --quiet} and
 * {@code --verbose} (the sbatch command's).
 * Options that only the sbatch command itself acts on ({@code --wrap}, {@code --parsable}, {@code --wait}) are
 * listed so that a script giving one as a directive is told why it is refused. Long names may be abbreviated to any
 * unambiguous prefix, as sbatch's getopt_long allows.
 */
enum SlurmOption {
    NODES("nodes", 'N', true),
    NTASKS("ntasks", 'n', true),
    NTASKS_PER_NODE("ntasks-per-node", '\0', true),
    CPUS_PER_TASK("cpus-per-task", 'c', true),
    TIME("time", 't', true),
    JOB_NAME("job-name", 'J', true),
    OUTPUT("output", 'o', true),
    ERROR("error", 'e', true),
    PARTITION("partition", 'p', true),
    ARRAY("array", 'a', true),
    DEPENDENCY("dependency", 'd', true),
    MEM("mem", '\0', true),
    MEM_PER_CPU("mem-per-cpu", '\0', true),
    EXPORT("export", '\0', true),
    CHDIR("chdir", 'D', true),
    HOLD("hold", 'H', false),
    REQUEUE("requeue", '\0', false),
    NO_REQUEUE("no-requeue", '\0', false),
    ACCOUNT("account", 'A', true),
    BEGIN("begin", 'b', true),
    NODELIST("nodelist", 'w', true),
    EXCLUDE("exclude", 'x', true),
    SIGNAL("signal", '\0', true),
    CONSTRAINT("constraint", 'C', true),
    GRES("gres", '\0', true),
    GPUS_PER_NODE("gpus-per-node", '\0', true),
    GPUS("gpus", 'G', true),
    RESERVATION("reservation", '\0', true),
    QOS("qos", 'q', true),
    MAIL_TYPE("mail-type", '\0', true),
    MAIL_USER("mail-user", '\0', true),
    NICE("nice", '\0', false),
    EXCLUSIVE("exclusive", '\0', false),
    HINT("hint", '\0', true),
    TIME_MIN("time-min", '\0', true),
    KILL_ON_INVALID_DEP("kill-on-invalid-dep", '\0', true),
    QUIET("quiet", 'Q', false),
    VERBOSE("verbose", 'v', false),
    WRAP("wrap", '\0', true),
    PARSABLE("parsable", '\0', false),
    WAIT("wait", 'W', false);

    private final String longName;
    private final char letter;
    private final boolean valued;

    SlurmOption(String longName, char letter, boolean valued) {
        this.longName = longName;
        this.letter = letter;
        this.valued = valued;
    }

    /** @return the long name without dashes, e.g. {@code ntasks-per-node} */
    String longName() {
        return longName;
    }

    /** @return whether it takes a value */
    boolean valued() {
        return valued;
    }

    /** @return for a flag, whether it may take a value after {@code =} ({@code --nice=10}, {@code --exclusive=user}) */
    boolean optionalValue() {
        return this == NICE || this == EXCLUSIVE;
    }

    /**
     * @return whether a waiting job's update (scontrol update) may give it: what the queue manager's job-modify
     *     applies, not the job's shape, files, environment or array, fixed at submission
     */
    boolean changeable() {
        return switch (this) {
            case TIME, JOB_NAME, PARTITION, DEPENDENCY, ACCOUNT, BEGIN, EXCLUDE, RESERVATION, QOS, MAIL_TYPE, MAIL_USER,
                 NICE, REQUEUE, NO_REQUEUE -> true;
            default -> false;
        };
    }

    /** @return whether only the sbatch command acts on it (a directive giving it is refused) */
    boolean commandOnly() {
        return this == WRAP || this == PARSABLE || this == WAIT;
    }

    /**
     * @param letter a short option letter
     * @return its option, if this reader knows it
     */
    static Optional<SlurmOption> ofLetter(char letter) {
        for (SlurmOption option : values()) {
            if (option.letter == letter && letter != '\0') {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }

    /**
     * @param name a long name as typed, without dashes and value
     * @return the option it names exactly, else the one option it is a prefix of
     * @throws IllegalArgumentException {@code ambiguous} naming the candidates when it prefixes several
     */
    static Optional<SlurmOption> ofLongName(String name) {
        List<SlurmOption> prefixed = new ArrayList<>();
        for (SlurmOption option : values()) {
            if (option.longName.equals(name)) {
                return Optional.of(option);
            }
            if (!name.isEmpty() && option.longName.startsWith(name)) {
                prefixed.add(option);
            }
        }
        if (prefixed.size() > 1) {
            throw new IllegalArgumentException("ambiguous (--" + String.join(", --",
                    prefixed.stream().map(SlurmOption::longName).toList()) + ")");
        }
        return prefixed.stream().findFirst();
    }
}
