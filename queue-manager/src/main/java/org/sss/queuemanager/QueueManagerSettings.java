package org.sss.queuemanager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.util.Words;
import org.sss.schema.config.QosConfigType;
import org.sss.schema.config.QueueConfigType;
import org.sss.schema.config.QueueManagerType;

/**
 * The queue manager's element of the configuration ({@code <queue-manager>}) and the cluster's {@code <nodes>},
 * checked. Without {@code <queue>} children there is one default queue, {@code batch}, without limits.
 *
 * @param component where it listens and which key it presents
 * @param database  its SQLite database (absolute)
 * @param spool     where job scripts and node files are kept (absolute)
 * @param socket    the Unix-domain socket for local users' commands (absolute)
 * @param admins    users who may act on every job through the socket (besides root)
 * @param history   how long completed jobs stay queryable
 * @param queues    the queues, the default one marked
 * @param qos       the qualities of service jobs may ask for (empty: none), at most one marked default
 * @param nodes     the compute nodes (empty when the configuration lists none)
 * @param jobPath   the PATH a job's script runs with
 */
public record QueueManagerSettings(ComponentSettings component, Path database, Path spool, Path socket, Set<String> admins,
                                   Duration history, List<Queue> queues, List<Qos> qos,
                                   List<ClusterNodes.Node> nodes, String jobPath) {
    /** The element's name. */
    public static final String ELEMENT = "queue-manager";
    /** The system's part of a job's default PATH, after the suite's own {@code bin/}. */
    public static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** Copies the collections. */
    public QueueManagerSettings {
        admins = Set.copyOf(admins);
        queues = List.copyOf(queues);
        qos = List.copyOf(qos);
        nodes = List.copyOf(nodes);
    }

    /**
     * A queue.
     *
     * @param name            its name
     * @param isDefault       whether jobs naming no queue go here
     * @param maxWalltime     longest walltime a job may ask for, seconds (0: no limit)
     * @param defaultWalltime walltime of jobs that ask for none, seconds (0: none)
     * @param maxNodes        most nodes a job may ask for (0: no limit)
     * @param priority        added to its jobs' priority
     * @param users           who may submit ({@code *}: everyone)
     */
    public record Queue(String name, boolean isDefault, long maxWalltime, long defaultWalltime, int maxNodes, int priority,
                        Set<String> users) {
        /** Copies the set. */
        public Queue {
            users = Set.copyOf(users);
        }

        /**
         * @param user a user
         * @return whether the user may submit to this queue
         */
        public boolean admits(String user) {
            return users.contains("*") || users.contains(user);
        }
    }

    /**
     * A quality of service (Slurm's QOS): a priority and limits beyond a job's queue.
     *
     * @param name           its name
     * @param isDefault      whether jobs naming none have it
     * @param priority       added to its jobs' priority
     * @param maxWalltime    longest walltime a job may ask for, seconds (0: no limit)
     * @param maxNodes       most nodes a job may ask for (0: no limit)
     * @param maxJobsPerUser most jobs of one user in it holding nodes at once (0: no limit)
     * @param users          who may ask for it ({@code *}: everyone)
     */
    public record Qos(String name, boolean isDefault, int priority, long maxWalltime, int maxNodes, int maxJobsPerUser,
                      Set<String> users) {
        /** Copies the set. */
        public Qos {
            users = Set.copyOf(users);
        }

        /**
         * @param user a user
         * @return whether the user may ask for it
         */
        public boolean admits(String user) {
            return users.contains("*") || users.contains(user);
        }
    }

    /**
     * @param config a loaded configuration
     * @return the queue manager's settings
     * @throws ConfigException if the element is missing or a value cannot be used, naming file, line and field
     */
    public static QueueManagerSettings from(SssConfig config) throws ConfigException {
        QueueManagerType element = ConfigSections.required(config, config.raw().getQueueManager(), ELEMENT, "the queue manager");
        List<Queue> queues = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        boolean anyDefault = false;
        for (QueueConfigType queue : element.getQueue()) {
            if (!names.add(queue.getName())) {
                throw ConfigSections.error(config, queue, "<queue> name", "queue " + queue.getName() + " is defined twice");
            }
            if (queue.isDefault() && anyDefault) {
                throw ConfigSections.error(config, queue, "<queue> default", "only one queue may be the default");
            }
            anyDefault |= queue.isDefault();
            long max = queue.getMaxWalltime().longValueExact();
            long dflt = queue.getDefaultWalltime().longValueExact();
            if (max > 0 && dflt > max) {
                throw ConfigSections.error(config, queue, "<queue> default-walltime", "longer than max-walltime " + max);
            }
            queues.add(new Queue(queue.getName(), queue.isDefault(), max, dflt, queue.getMaxNodes().intValueExact(),
                    queue.getPriority(), Words.set(queue.getUsers())));
        }
        if (queues.isEmpty()) {
            queues.add(new Queue("batch", true, 0, 0, 0, 0, Set.of("*")));
        } else if (!anyDefault) {
            Queue first = queues.getFirst();
            queues.set(0, new Queue(first.name(), true, first.maxWalltime(), first.defaultWalltime(), first.maxNodes(),
                    first.priority(), first.users()));
        }
        List<ClusterNodes.Node> nodes = ClusterNodes.from(config);
        return new QueueManagerSettings(ConfigSections.component(config, element, ELEMENT),
                ConfigSections.inState(config, element.getDatabase()), ConfigSections.inState(config, element.getSpool()),
                ConfigSections.inState(config, element.getSocket()), Words.set(element.getAdmins()),
                ConfigSections.seconds(element.getHistory()), queues, qosOf(config, element), nodes, element.getJobPath() != null ? element.getJobPath().strip() : defaultJobPath());
    }

    /**
     * @return a job's PATH when the configuration names none: the suite's {@code bin/} (the {@code sss.home} property,
     *         else {@code $SSS_HOME}, as the bin/ scripts set them) before {@link #SYSTEM_PATH}, so that the script's
     *         {@code mpiexec} is the suite's and not another MPI's launcher; the system's part alone when the suite's
     *         home is unknown
     */
    static String defaultJobPath() {
        for (String home : new String[] {System.getProperty("sss.home"), System.getenv("SSS_HOME")}) {
            if (home != null && !home.isBlank() && java.nio.file.Files.isDirectory(Path.of(home, "bin"))) {
                return Path.of(home, "bin").toAbsolutePath().normalize() + ":" + SYSTEM_PATH;
            }
        }
        return SYSTEM_PATH;
    }

    private static List<Qos> qosOf(SssConfig config, QueueManagerType element) throws ConfigException {
        List<Qos> list = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        boolean anyDefault = false;
        for (QosConfigType qos : element.getQos()) {
            if (!names.add(qos.getName())) {
                throw ConfigSections.error(config, qos, "<qos> name", "qos " + qos.getName() + " is defined twice");
            }
            if (qos.isDefault() && anyDefault) {
                throw ConfigSections.error(config, qos, "<qos> default", "only one qos may be the default");
            }
            anyDefault |= qos.isDefault();
            list.add(new Qos(qos.getName(), qos.isDefault(), qos.getPriority(), qos.getMaxWalltime().longValueExact(),
                    qos.getMaxNodes().intValueExact(), qos.getMaxJobsPerUser().intValueExact(),
                    Words.set(qos.getUsers())));
        }
        return list;
    }

    /**
     * @param name a queue's name
     * @return it, when configured
     */
    public java.util.Optional<Queue> queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    /**
     * @param name a quality of service's name
     * @return it, when configured
     */
    public java.util.Optional<Qos> qos(String name) {
        return qos.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    /** @return the quality of service jobs have when they name none, when one is configured as the default */
    public java.util.Optional<Qos> defaultQos() {
        return qos.stream().filter(Qos::isDefault).findFirst();
    }

    /** @return the queue jobs go to when they name none */
    public Queue defaultQueue() {
        return queues.stream().filter(Queue::isDefault).findFirst().orElseThrow();
    }
}
