package org.sss.queuemanager.internal.pbs;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * How many nodes a job asks for, how many processors on each, which nodes by name it must have among them, and the
 * features each of its nodes must have: from {@code -l nodes=N[:ppn=M][:FEATURE...]} or Torque's named form
 * {@code -l nodes=node1:ppn=M+node2:ppn=M[+N:ppn=M]}, {@code -l select=N[:ncpus=M]}, {@code -l ncpus=M} (one node), or
 * sbatch's {@code --nodelist} and {@code --constraint}.
 *
 * @param nodes the number of nodes (or chunks), at least 1 and at least as many as {@code hosts}
 * @param ppn   the processors wanted on each node, at least 1
 * @param hosts the nodes the job must be given, each once (the rest, if {@code nodes} is larger, are any); empty for
 *              none
 * @param features what every node of the job must have (the configuration's {@code <node features>}), each once;
 *              empty for none
 * @param gpus  the GPUs it wants on each node ({@code gpus=M}, sbatch's {@code --gres=gpu:M}), 0 for none
 */
public record NodeShape(int nodes, int ppn, List<String> hosts, List<String> features, int gpus) {
    /** @throws IllegalArgumentException if a count is below 1, a host is named twice, or there are more hosts than nodes */
    public NodeShape {
        if (nodes < 1 || ppn < 1) {
            throw new IllegalArgumentException("nodes and ppn must be at least 1: " + nodes + ", " + ppn);
        }
        hosts = List.copyOf(hosts);
        features = List.copyOf(new LinkedHashSet<>(features));
        if (new LinkedHashSet<>(hosts).size() != hosts.size()) {
            throw new IllegalArgumentException("a node is named twice: " + hosts);
        }
        if (gpus < 0) {
            throw new IllegalArgumentException("gpus must not be negative: " + gpus);
        }
        if (hosts.size() > nodes) {
            throw new IllegalArgumentException(hosts.size() + " named nodes for a job of " + nodes);
        }
    }

    /**
     * A shape that names no node.
     *
     * @param nodes the number of nodes, at least 1
     * @param ppn   the processors on each, at least 1
     */
    public NodeShape(int nodes, int ppn) {
        this(nodes, ppn, List.of(), List.of(), 0);
    }

    /**
     * A shape that asks for no feature.
     *
     * @param nodes the number of nodes, at least 1
     * @param ppn   the processors on each, at least 1
     * @param hosts the nodes it must be given
     */
    public NodeShape(int nodes, int ppn, List<String> hosts) {
        this(nodes, ppn, hosts, List.of(), 0);
    }

    /**
     * A shape that asks for no GPU.
     *
     * @param nodes    the number of nodes, at least 1
     * @param ppn      the processors on each, at least 1
     * @param hosts    the nodes it must be given
     * @param features what each must have
     */
    public NodeShape(int nodes, int ppn, List<String> hosts, List<String> features) {
        this(nodes, ppn, hosts, features, 0);
    }
}
