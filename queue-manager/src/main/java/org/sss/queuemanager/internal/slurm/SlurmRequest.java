package org.sss.queuemanager.internal.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.NodeShape;

/**
 * What an sbatch submission asks for: the attributes PBS also has ({@link #base}, without a node shape) and Slurm's
 * task geometry, which {@link #shape} turns into the queue manager's nodes × slots-per-node model.
 *
 * @param base         name, partition, time, output/error patterns, export, dependencies, array, hold, account,
 *                     memory
 * @param nodes        {@code -N}
 * @param tasks        {@code -n}
 * @param tasksPerNode {@code --ntasks-per-node}
 * @param cpusPerTask  {@code -c}, 1 when not given
 * @param chdir        {@code -D}, as typed (relative to the submit directory)
 * @param memoryPerNode {@code --mem}, bytes on each node; 0 for {@code --mem=0} (all of it: no limit)
 * @param nodelist     {@code -w}, the nodes the job must be given, each once; empty when not given
 * @param constraint   {@code -C}, the features every node of the job must have; empty when not given
 * @param gpusPerNode  {@code --gres=gpu:N} or {@code --gpus-per-node}: GPUs on each node (and their type)
 * @param gpusInAll    {@code -G/--gpus}: GPUs in all, spread over the nodes (and their type)
 */
public record SlurmRequest(JobRequest base, Optional<Integer> nodes, Optional<Integer> tasks,
                           Optional<Integer> tasksPerNode, int cpusPerTask, Optional<String> chdir,
                           Optional<Long> memoryPerNode, List<String> nodelist, List<String> constraint,
                           Optional<SlurmExtras.GpuAsk> gpusPerNode, Optional<SlurmExtras.GpuAsk> gpusInAll) {
    /** Copies the lists. */
    public SlurmRequest {
        nodelist = List.copyOf(nodelist);
        constraint = List.copyOf(constraint);
    }

    /**
     * A job's geometry in both models.
     *
     * @param nodes        nodes allocated
     * @param ppn          slots per node ({@code PBS_NUM_PPN}): tasks on the fullest node × cpus per task
     * @param tasks        {@code SLURM_NTASKS}
     * @param cpusPerTask  {@code SLURM_CPUS_PER_TASK}
     * @param hosts        the nodes it must be given ({@code -w}), at most {@code nodes}
     * @param features     the features each of its nodes must have ({@code -C}, and a GPU type)
     * @param gpus         the GPUs on each node, 0 for none
     */
    public record Shape(int nodes, int ppn, int tasks, int cpusPerTask, List<String> hosts, List<String> features,
                        int gpus) {
        /** Copies the lists. */
        public Shape {
            hosts = List.copyOf(hosts);
            features = List.copyOf(features);
        }

        /** @return the shape as the queue manager's node request */
        public NodeShape nodeShape() {
            return new NodeShape(nodes, ppn, hosts, features, gpus);
        }

        /**
         * @return {@code SLURM_TASKS_PER_NODE}: tasks spread as evenly as possible, the first nodes taking one more,
         *     written as Slurm does ({@code 2(x3)}, {@code 3,2}, {@code 3(x2),2})
         */
        public String tasksPerNode() {
            return tasksPerNode(tasks, nodes);
        }

        /**
         * @param tasks tasks
         * @param nodes nodes, at least 1
         * @return Slurm's compressed per-node task counts
         */
        public static String tasksPerNode(int tasks, int nodes) {
            int base = tasks / nodes;
            int extra = tasks % nodes;
            List<String> items = new ArrayList<>();
            if (extra > 0) {
                items.add(repeat(base + 1, extra));
            }
            if (nodes - extra > 0 && base > 0) {
                items.add(repeat(base, nodes - extra));
            }
            return String.join(",", items);
        }

        private static String repeat(int count, int times) {
            return times == 1 ? String.valueOf(count) : count + "(x" + times + ")";
        }
    }

    /** @return the features a node must have to hold the job: {@code -C}'s and a GPU type */
    public List<String> wantedFeatures() {
        List<String> wanted = new ArrayList<>(constraint);
        gpusPerNode.or(() -> gpusInAll).map(SlurmExtras.GpuAsk::type).filter(type -> !wanted.contains(type))
                .ifPresent(wanted::add);
        return wanted;
    }

    /** @return the GPUs a node must have at least to hold the job: its GPUs per node, 1 for -G, else 0 */
    public int leastGpusPerNode() {
        return gpusPerNode.map(SlurmExtras.GpuAsk::count).orElse(gpusInAll.isPresent() ? 1 : 0);
    }

    /**
     * Maps the task geometry onto nodes × slots, as documented in the README:
     * <ul>
     *   <li>nothing given: one node, one task;</li>
     *   <li>{@code -N} alone: one task per node;</li>
     *   <li>{@code -N} and {@code --ntasks-per-node K}: K tasks per node;</li>
     *   <li>{@code -N} and {@code -n T}: T tasks spread over the nodes (T at least N);</li>
     *   <li>{@code --ntasks-per-node K} alone: one node of K tasks;</li>
     *   <li>{@code -n T} without {@code -N}: as few nodes as hold the tasks, filling nodes of the largest slot count
     *       the configuration gives (one node when no nodes are configured), tasks spread evenly; with
     *       {@code --ntasks-per-node K} too, ceil(T / K) nodes.</li>
     * </ul>
     * Each task takes {@code -c} slots. {@code -w} names nodes the job must be given: without {@code -N} the job
     * has at least that many nodes (one task each when nothing else is given); with {@code -N} it must not name more.
     *
     * @param maxSlots the most slots any configured node has, or 0 when the configuration lists none
     * @return the shape
     * @throws SlurmParseException when the combination cannot be met
     */
    public Shape shape(int maxSlots) throws SlurmParseException {
        return shape(maxSlots, 0);
    }

    /**
     * As {@link #shape(int)}, knowing how many GPUs the nodes that could hold the job have: {@code -G N} without
     * {@code -N} then takes as many nodes as hold N GPUs.
     *
     * @param maxSlots the most slots a node that could hold the job has (its features and GPUs), 0 when unknown
     * @param maxGpus  the most GPUs such a node has, 0 when unknown
     * @return the shape
     * @throws SlurmParseException when the combination cannot be met
     */
    public Shape shape(int maxSlots, int maxGpus) throws SlurmParseException {
        Shape geometry = geometry(maxSlots);
        if (gpusPerNode.isPresent() && gpusInAll.isPresent()) {
            throw new SlurmParseException("--gpus and --gres/--gpus-per-node cannot be combined; give one");
        }
        Optional<SlurmExtras.GpuAsk> asked = gpusPerNode.or(() -> gpusInAll);
        if (asked.isEmpty()) {
            return geometry;
        }
        if (gpusInAll.isPresent() && nodes.isEmpty() && maxGpus > 0
                && ceil(gpusInAll.get().count(), maxGpus) > geometry.nodes()) {
            int n = ceil(gpusInAll.get().count(), maxGpus); // as many nodes as hold the GPUs
            geometry = new Shape(n, Math.max(1, ceil(geometry.tasks(), n)) * geometry.cpusPerTask(), geometry.tasks(),
                    geometry.cpusPerTask(), geometry.hosts(), geometry.features(), 0);
        }
        int perNode = gpusPerNode.isPresent() ? asked.get().count() : ceil(asked.get().count(), geometry.nodes());
        List<String> features = new ArrayList<>(geometry.features());
        if (asked.get().type() != null && !features.contains(asked.get().type())) {
            features.add(asked.get().type());
        }
        return new Shape(geometry.nodes(), geometry.ppn(), geometry.tasks(), geometry.cpusPerTask(), geometry.hosts(),
                features, perNode);
    }

    private Shape geometry(int maxSlots) throws SlurmParseException {
        int c = cpusPerTask;
        int named = nodelist.size();
        if (nodes.isPresent() && nodes.get() < named) {
            throw new SlurmParseException("--nodelist names " + named + " nodes, more than --nodes=" + nodes.get());
        }
        if (nodes.isPresent() || (named > 0 && tasks.isEmpty())) {
            int n = nodes.orElse(named);
            int t = tasks.orElse(n * tasksPerNode.orElse(1));
            if (t < n) {
                throw new SlurmParseException("--ntasks=" + t + " is fewer than " + (nodes.isPresent()
                        ? "--nodes=" + n : "the " + n + " nodes of --nodelist") + " (every node runs at least one task)");
            }
            if (tasks.isPresent() && tasksPerNode.isPresent() && t > n * tasksPerNode.get()) {
                throw new SlurmParseException("--ntasks=" + t + " does not fit " + n + " node(s) of --ntasks-per-node="
                        + tasksPerNode.get());
            }
            return new Shape(n, ceil(t, n) * c, t, c, nodelist, constraint, 0);
        }
        if (tasks.isEmpty()) {
            int k = tasksPerNode.orElse(1);
            return new Shape(1, k * c, k, c, nodelist, constraint, 0);
        }
        int t = tasks.get();
        if (t < named) {
            throw new SlurmParseException("--ntasks=" + t + " is fewer than the " + named
                    + " nodes of --nodelist (every node runs at least one task)");
        }
        int n;
        if (tasksPerNode.isPresent()) {
            n = ceil(t, tasksPerNode.get());
        } else if (maxSlots <= 0 || t * (long) c <= maxSlots) {
            n = 1;
        } else {
            int perNode = Math.max(1, maxSlots / c);
            n = ceil(t, perNode);
        }
        n = Math.max(n, named);
        return new Shape(n, ceil(t, n) * c, t, c, nodelist, constraint, 0);
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
