package org.sss.queuemanager.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.queuemanager.internal.pbs.NodeShape;

/**
 * Checks the nodes and features a submission (or a qalter) names before anything is stored: each named node one the
 * node state manager knows, none both required and excluded, each required node with the slots and features asked,
 * and GPUs, and enough configured nodes with them left once the excluded are taken away. A refusal is one line naming the
 * option as the submitter spelled it (qsub's or sbatch's). Thread-safe (stateless but for what it is given).
 */
final class NodeChoices {
    /** The most characters a job's required or excluded node names may take, spaces between them included. */
    static final int MAX_NODE_LIST = 65_536;
    private final QueueManagerSettings settings;
    private final Submissions.NodeCheck known;

    /**
     * @param settings the configured nodes, their slots and features
     * @param known    checks node names against the node state manager's nodes
     */
    NodeChoices(QueueManagerSettings settings, Submissions.NodeCheck known) {
        this.settings = settings;
        this.known = known;
    }

    /**
     * @param shape    the nodes asked for, with those named and the features
     * @param excluded the nodes the job must not be given
     * @param sbatch   whether the submitter used sbatch's options (for the messages)
     * @return the job's choice of nodes
     * @throws SssException {@code bad-value} naming the option; the node state manager's failure when it must be
     *                      asked and cannot be
     */
    NodeChoice checked(NodeShape shape, List<String> excluded, boolean sbatch) throws SssException {
        if (shape.hosts().isEmpty() && excluded.isEmpty() && shape.features().isEmpty() && shape.gpus() == 0) {
            return NodeChoice.NONE;
        }
        String required = sbatch ? "--nodelist" : "-l nodes";
        String exclude = sbatch ? "--exclude" : "-W exclude";
        String features = sbatch ? "--constraint" : "-l nodes";
        String gpus = sbatch ? "--gres/--gpus" : "-l nodes";
        for (List<String> names : List.of(shape.hosts(), excluded)) {
            if (String.join(" ", names).length() > MAX_NODE_LIST) {
                throw SssException.badValue((names == excluded ? exclude : required) + ": the names take more than "
                        + MAX_NODE_LIST + " characters");
            }
        }
        Set<String> excludedSet = new HashSet<>(excluded);
        for (String node : shape.hosts()) {
            if (excludedSet.contains(node)) {
                throw SssException.badValue(required + ": node " + node + " is also excluded (" + exclude + ")");
            }
        }
        if (!sbatch && !shape.hosts().isEmpty()) {
            Set<String> nodeNames = new HashSet<>();
            Set<String> offered = new HashSet<>();
            settings.nodes().forEach(node -> {
                nodeNames.add(node.name());
                offered.addAll(node.features());
            });
            for (String host : shape.hosts()) {
                if (offered.contains(host) && !nodeNames.contains(host)) {
                    throw SssException.badValue(required + ": " + host + " is a feature, not a node (a node with it: "
                            + "-l nodes=1:" + host + ")");
                }
            }
        }
        check(shape.hosts(), required);
        check(excluded, exclude);
        if (!settings.nodes().isEmpty()) {
            Set<String> named = new HashSet<>(shape.hosts());
            for (ClusterNodes.Node node : settings.nodes()) {
                if (!named.contains(node.name())) {
                    continue;
                }
                if (node.slots() < shape.ppn()) {
                    throw SssException.badValue(required + ": node " + node.name() + " has " + node.slots()
                            + " slot(s), " + shape.ppn() + " asked");
                }
                if (node.gpus() < shape.gpus()) {
                    throw SssException.badValue(required + ": node " + node.name() + " has " + node.gpus()
                            + " GPU(s), " + shape.gpus() + " asked");
                }
                if (!node.features().containsAll(shape.features())) {
                    throw SssException.badValue(required + ": node " + node.name() + " lacks feature(s) "
                            + String.join(" ", missing(node, shape.features())));
                }
            }
            long fitting = settings.nodes().stream().filter(node -> !excludedSet.contains(node.name())
                    && node.holds(shape.ppn(), shape.features(), shape.gpus())).count();
            if (fitting < shape.nodes()) {
                long withoutGpus = settings.nodes().stream().filter(node -> !excludedSet.contains(node.name())
                        && node.holds(shape.ppn(), shape.features(), 0)).count();
                String option = shape.gpus() > 0 && withoutGpus >= shape.nodes() ? gpus
                        : shape.features().isEmpty() ? exclude : excluded.isEmpty() ? features
                        : features + " and " + exclude;
                throw SssException.badValue(option + ": only " + fitting + " node(s) have " + shape.ppn()
                        + " or more slots" + (shape.features().isEmpty() ? ""
                        : ", feature(s) " + String.join(" ", shape.features()))
                        + (shape.gpus() == 0 ? "" : ", " + shape.gpus() + " or more GPUs")
                        + (excluded.isEmpty() ? "" : " and are not excluded") + "; the job needs " + shape.nodes());
            }
        }
        return new NodeChoice(shape.hosts(), excluded, shape.features(), shape.gpus());
    }

    private void check(List<String> names, String option) throws SssException {
        try {
            known.check(names);
        } catch (SssException e) {
            throw e.code() == ErrorCode.BAD_VALUE ? SssException.badValue(option + ": " + e.getMessage()) : e;
        }
    }

    private static List<String> missing(ClusterNodes.Node node, List<String> features) {
        return features.stream().filter(feature -> !node.features().contains(feature)).toList();
    }
}
