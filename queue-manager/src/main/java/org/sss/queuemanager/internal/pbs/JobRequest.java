package org.sss.queuemanager.internal.pbs;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * A job's attributes as qsub options and {@code #PBS} directives give them. Every optional component is empty when
 * the input does not give it, and a list or map is then empty; the values present are already checked (see
 * {@link PbsParser} for the rules). A request from {@link PbsParser#parse} always has a name and a join; one from
 * {@link PbsParser#options} holds only what the options say.
 *
 * @param name         {@code -N}: non-empty, no whitespace, no control character, no {@code /}, at most 236 chars
 * @param queue        {@code -q}: the queue name
 * @param nodes        {@code -l nodes=}, {@code -l select=} or {@code -l ncpus=}
 * @param walltime     {@code -l walltime=}, seconds
 * @param memory       {@code -l mem=}, bytes, at least 1: the job's memory, all its nodes together
 * @param processMemory {@code -l pmem=}, bytes: the memory of each of its processes (slots)
 * @param virtualMemory {@code -l vmem=}, bytes: the job's virtual memory, all its nodes together
 * @param cputime      {@code -l cput=}, seconds
 * @param outputPath   {@code -o}: the path for standard output, any {@code host:} prefix removed; may be relative
 * @param errorPath    {@code -e}: the path for standard error, likewise
 * @param join         {@code -j}
 * @param mailEvents   {@code -m}: when to send mail; present and empty for {@code -m n}
 * @param mailUsers    {@code -M}: the mail addresses, in order; empty when not given
 * @param exportAll    {@code -V}: whether the submitter's whole environment goes to the job
 * @param variables    {@code -v}: variables for the job's environment, in the order given
 * @param account      {@code -A}: the account to charge
 * @param dependencies {@code -W depend=}: all must be met before the job may run; empty when not given
 * @param array        {@code -t}: the job is an array of sub-jobs
 * @param hold         {@code -h}: the job is submitted with a user hold
 * @param priority     {@code -p}: from -1024 to 1023
 * @param rerunnable   {@code -r y|n}
 * @param shell        {@code -S}: the absolute path of the shell that runs the script
 * @param begin        {@code -a} (sbatch's {@code --begin}): not to start before this time
 * @param excludedNodes sbatch's {@code --exclude}, {@code -W exclude=}: nodes the job must not be given, each once;
 *                     empty when not given, an empty list to clear them ({@code qalter -W exclude=})
 * @param endSignal    sbatch's {@code --signal}: a signal before the time limit
 * @param reservation  Torque's {@code -l advres=}, sbatch's {@code --reservation}: the advance reservation it runs in;
 *                     an empty name for none ({@code qalter -l advres=} takes the job out of its reservation)
 * @param qos          Torque's {@code -l qos=}, sbatch's {@code -q/--qos}: its quality of service; an empty name for
 *                     the default one
 * @param dependenciesCleared scontrol update's {@code Dependency=} (nothing): the job's dependencies are dropped
 */
public record JobRequest(
        Optional<String> name,
        Optional<String> queue,
        Optional<NodeShape> nodes,
        Optional<Long> walltime,
        Optional<Long> memory,
        Optional<Long> processMemory,
        Optional<Long> virtualMemory,
        Optional<Long> cputime,
        Optional<String> outputPath,
        Optional<String> errorPath,
        Optional<Join> join,
        Optional<Set<MailEvent>> mailEvents,
        List<String> mailUsers,
        boolean exportAll,
        SequencedMap<String, String> variables,
        Optional<String> account,
        List<Dependency> dependencies,
        Optional<ArraySpec> array,
        boolean hold,
        Optional<Integer> priority,
        Optional<Boolean> rerunnable,
        Optional<String> shell,
        Optional<java.time.Instant> begin,
        Optional<List<String>> excludedNodes,
        Optional<EndSignal> endSignal,
        Optional<String> reservation,
        Optional<String> qos,
        boolean dependenciesCleared) {

    /** A request that gives nothing. */
    public static final JobRequest EMPTY = new Builder().build();

    /**
     * Copies the collections into unmodifiable ones.
     *
     * @throws NullPointerException if any component is null
     */
    public JobRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(walltime, "walltime");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(processMemory, "processMemory");
        Objects.requireNonNull(virtualMemory, "virtualMemory");
        Objects.requireNonNull(cputime, "cputime");
        Objects.requireNonNull(outputPath, "outputPath");
        Objects.requireNonNull(errorPath, "errorPath");
        Objects.requireNonNull(join, "join");
        mailEvents = mailEvents.map(JobRequest::copyOf);
        mailUsers = List.copyOf(mailUsers);
        variables = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(variables));
        Objects.requireNonNull(account, "account");
        dependencies = List.copyOf(dependencies);
        Objects.requireNonNull(array, "array");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(rerunnable, "rerunnable");
        Objects.requireNonNull(shell, "shell");
        Objects.requireNonNull(begin, "begin");
        excludedNodes = excludedNodes.map(List::copyOf);
        Objects.requireNonNull(endSignal, "endSignal");
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(qos, "qos");
    }

    /**
     * Merges two requests the way qsub lets command-line options override script directives: what {@code other}
     * gives replaces what this gives, attribute by attribute. Each {@code -l} resource counts separately (the node
     * shape, however spelled, is one); {@code -v} variables are merged, {@code other}'s value winning per variable;
     * {@code -V} and {@code -h} are set if either sets them; mail users, dependencies and excluded nodes are replaced
     * as whole lists.
     *
     * @param other the request that wins, such as the command line's over the script's
     * @return the merged request
     */
    public JobRequest overriddenBy(JobRequest other) {
        SequencedMap<String, String> merged = new LinkedHashMap<>(variables);
        merged.putAll(other.variables);
        return new JobRequest(
                other.name.or(() -> name),
                other.queue.or(() -> queue),
                other.nodes.or(() -> nodes),
                other.walltime.or(() -> walltime),
                other.memory.or(() -> memory),
                other.processMemory.or(() -> processMemory),
                other.virtualMemory.or(() -> virtualMemory),
                other.cputime.or(() -> cputime),
                other.outputPath.or(() -> outputPath),
                other.errorPath.or(() -> errorPath),
                other.join.or(() -> join),
                other.mailEvents.or(() -> mailEvents),
                other.mailUsers.isEmpty() ? mailUsers : other.mailUsers,
                exportAll || other.exportAll,
                merged,
                other.account.or(() -> account),
                other.dependenciesCleared || !other.dependencies.isEmpty() ? other.dependencies : dependencies,
                other.array.or(() -> array),
                hold || other.hold,
                other.priority.or(() -> priority),
                other.rerunnable.or(() -> rerunnable),
                other.shell.or(() -> shell),
                other.begin.or(() -> begin),
                other.excludedNodes.or(() -> excludedNodes),
                other.endSignal.or(() -> endSignal),
                other.reservation.or(() -> reservation),
                other.qos.or(() -> qos),
                other.dependenciesCleared || dependenciesCleared && other.dependencies.isEmpty());
    }

    /** @return whether it asks for a walltime and nothing else (all a running job's change may ask for) */
    public boolean onlyWalltime() {
        return walltime.isPresent() && equals(new Builder().walltime(walltime.get()).build());
    }

    private static Set<MailEvent> copyOf(Set<MailEvent> events) {
        return Collections.unmodifiableSet(events.isEmpty() ? EnumSet.noneOf(MailEvent.class) : EnumSet.copyOf(events));
    }

    /**
     * Collects attributes one at a time; each setter replaces what was set before, except {@link #variable}, which
     * adds or replaces one variable. Values are taken as they are: checking them is the caller's job. Not thread-safe.
     */
    public static final class Builder {
        private String name;
        private String queue;
        private NodeShape nodes;
        private Long walltime;
        private Long memory;
        private Long processMemory;
        private Long virtualMemory;
        private Long cputime;
        private String outputPath;
        private String errorPath;
        private Join join;
        private Set<MailEvent> mailEvents;
        private List<String> mailUsers = List.of();
        private boolean exportAll;
        private final SequencedMap<String, String> variables = new LinkedHashMap<>();
        private String account;
        private List<Dependency> dependencies = List.of();
        private ArraySpec array;
        private boolean hold;
        private Integer priority;
        private Boolean rerunnable;
        private String shell;
        private java.time.Instant begin;
        private List<String> excludedNodes;
        private EndSignal endSignal;
        private String reservation;
        private String qos;
        private boolean dependenciesCleared;

        /** Starts with nothing set. */
        public Builder() {
        }

        /**
         * @param value the job name
         * @return this builder
         */
        public Builder name(String value) {
            name = value;
            return this;
        }

        /**
         * @param value the queue name
         * @return this builder
         */
        public Builder queue(String value) {
            queue = value;
            return this;
        }

        /**
         * @param value the node shape
         * @return this builder
         */
        public Builder nodes(NodeShape value) {
            nodes = value;
            return this;
        }

        /**
         * @param seconds the wall-clock limit
         * @return this builder
         */
        public Builder walltime(long seconds) {
            walltime = seconds;
            return this;
        }

        /**
         * @param bytes the memory limit
         * @return this builder
         */
        public Builder memory(long bytes) {
            memory = bytes;
            return this;
        }

        /**
         * @param bytes the memory limit of each process
         * @return this builder
         */
        public Builder processMemory(long bytes) {
            processMemory = bytes;
            return this;
        }

        /**
         * @param bytes the virtual memory limit
         * @return this builder
         */
        public Builder virtualMemory(long bytes) {
            virtualMemory = bytes;
            return this;
        }

        /**
         * @param seconds the CPU-time limit
         * @return this builder
         */
        public Builder cputime(long seconds) {
            cputime = seconds;
            return this;
        }

        /**
         * @param value the standard output path
         * @return this builder
         */
        public Builder outputPath(String value) {
            outputPath = value;
            return this;
        }

        /**
         * @param value the standard error path
         * @return this builder
         */
        public Builder errorPath(String value) {
            errorPath = value;
            return this;
        }

        /**
         * @param value how the streams are joined
         * @return this builder
         */
        public Builder join(Join value) {
            join = value;
            return this;
        }

        /**
         * @param value when to send mail, empty for never
         * @return this builder
         */
        public Builder mailEvents(Set<MailEvent> value) {
            mailEvents = value;
            return this;
        }

        /**
         * @param value the mail addresses
         * @return this builder
         */
        public Builder mailUsers(List<String> value) {
            mailUsers = value;
            return this;
        }

        /** @return this builder, with the whole environment exported */
        public Builder exportAll() {
            exportAll = true;
            return this;
        }

        /**
         * @param variable the variable's name
         * @param value    its value
         * @return this builder
         */
        public Builder variable(String variable, String value) {
            variables.put(variable, value);
            return this;
        }

        /**
         * @param value the account
         * @return this builder
         */
        public Builder account(String value) {
            account = value;
            return this;
        }

        /**
         * @param value the dependencies
         * @return this builder
         */
        public Builder dependencies(List<Dependency> value) {
            dependencies = value;
            dependenciesCleared = false;
            return this;
        }

        /**
         * Drops the job's dependencies (scontrol update's {@code Dependency=}).
         *
         * @return this builder
         */
        public Builder clearDependencies() {
            dependencies = List.of();
            dependenciesCleared = true;
            return this;
        }

        /**
         * @param value the array request
         * @return this builder
         */
        public Builder array(ArraySpec value) {
            array = value;
            return this;
        }

        /** @return this builder, with the job held */
        public Builder hold() {
            hold = true;
            return this;
        }

        /**
         * @param value the priority
         * @return this builder
         */
        public Builder priority(int value) {
            priority = value;
            return this;
        }

        /**
         * @param value whether the job may be rerun
         * @return this builder
         */
        public Builder rerunnable(boolean value) {
            rerunnable = value;
            return this;
        }

        /**
         * @param value the shell's absolute path
         * @return this builder
         */
        public Builder shell(String value) {
            shell = value;
            return this;
        }

        /**
         * @param value the time before which the job does not start
         * @return this builder
         */
        public Builder begin(java.time.Instant value) {
            begin = value;
            return this;
        }

        /**
         * @param value the nodes the job must not be given
         * @return this builder
         */
        public Builder excludedNodes(List<String> value) {
            excludedNodes = value;
            return this;
        }

        /**
         * @param value the signal before the time limit
         * @return this builder
         */
        public Builder endSignal(EndSignal value) {
            endSignal = value;
            return this;
        }

        /**
         * @param value the advance reservation the job runs in
         * @return this builder
         */
        public Builder reservation(String value) {
            reservation = value;
            return this;
        }

        /**
         * @param value the quality of service the job asks for (empty: the default one)
         * @return this builder
         */
        public Builder qos(String value) {
            qos = value;
            return this;
        }

        /** @return a request holding what has been set */
        public JobRequest build() {
            return new JobRequest(Optional.ofNullable(name), Optional.ofNullable(queue), Optional.ofNullable(nodes),
                    Optional.ofNullable(walltime), Optional.ofNullable(memory), Optional.ofNullable(processMemory),
                    Optional.ofNullable(virtualMemory), Optional.ofNullable(cputime),
                    Optional.ofNullable(outputPath), Optional.ofNullable(errorPath), Optional.ofNullable(join),
                    Optional.ofNullable(mailEvents), mailUsers, exportAll, variables, Optional.ofNullable(account),
                    dependencies, Optional.ofNullable(array), hold, Optional.ofNullable(priority),
                    Optional.ofNullable(rerunnable), Optional.ofNullable(shell), Optional.ofNullable(begin),
                    Optional.ofNullable(excludedNodes), Optional.ofNullable(endSignal), Optional.ofNullable(reservation),
                    Optional.ofNullable(qos), dependenciesCleared);
        }
    }
}
