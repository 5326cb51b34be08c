package org.sss.lib.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sss.lib.util.Words;
import org.sss.schema.config.NodesType;

/**
 * The compute nodes the configuration lists ({@code <nodes><node name slots features/></nodes>}), for the components
 * that share them: the node state manager, the queue manager, the scheduler.
 */
public final class ClusterNodes {
    private ClusterNodes() {
    }

    /**
     * One node.
     *
     * @param name     its name: the name its mpd has in the ring
     * @param slots    processes it runs at most
     * @param features its feature tags
     * @param gpus     its GPUs, 0 for none
     */
    public record Node(String name, int slots, Set<String> features, int gpus) {
        /** Checks the values and copies the set. */
        public Node {
            Objects.requireNonNull(name, "name");
            if (slots < 1) {
                throw new IllegalArgumentException("node " + name + " needs at least one slot");
            }
            features = Set.copyOf(features);
            if (gpus < 0) {
                throw new IllegalArgumentException("node " + name + " cannot have " + gpus + " GPUs");
            }
        }

        /**
         * @param ppn      the slots a job asks on each node
         * @param wanted   the features it asks each node to have
         * @param gpusEach the GPUs it asks on each node
         * @return whether this node could hold the job's share (its exclusions aside)
         */
        public boolean holds(int ppn, java.util.Collection<String> wanted, int gpusEach) {
            return slots >= ppn && features.containsAll(wanted) && gpus >= gpusEach;
        }

        /** A node without GPUs. */
        public Node(String name, int slots, Set<String> features) {
            this(name, slots, features, 0);
        }
    }

    /**
     * @param config a loaded configuration
     * @return its nodes in the file's order (none without a {@code <nodes>} element)
     * @throws ConfigException for a node listed twice, naming its line
     */
    public static List<Node> from(SssConfig config) throws ConfigException {
        List<Node> nodes = new ArrayList<>();
        NodesType element = config.raw().getNodes();
        if (element == null) {
            return nodes;
        }
        Set<String> seen = new HashSet<>();
        for (NodesType.Node node : element.getNode()) {
            if (!seen.add(node.getName())) {
                throw ConfigSections.error(config, node, "<node> name", "node " + node.getName() + " is listed twice");
            }
            if (node.getGpus().bitLength() > 20) {
                throw ConfigSections.error(config, node, "<node> gpus", "node " + node.getName() + ": "
                        + node.getGpus() + " GPUs is more than a node has");
            }
            nodes.add(new Node(node.getName(), node.getSlots(), Words.set(node.getFeatures()), node.getGpus().intValue()));
        }
        return nodes;
    }
}
