package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.util.Words;

/**
 * Which nodes a job may have: those it must be given (Torque's {@code -l nodes=node1+node2}, sbatch's
 * {@code --nodelist}), those it must not ({@code --exclude}), and the features every one of its nodes must have
 * (Torque's {@code -l nodes=2:gpu}, sbatch's {@code --constraint=gpu}). Its other nodes, if it asks for more than it
 * names, are any with the features. Stored and sent as names separated by single spaces, as the allocation is.
 *
 * @param required the nodes it must be given, each once, in the order named
 * @param excluded the nodes it must not be given, each once, none of them required
 * @param features the features each of its nodes must have, each once
 * @param gpus     the GPUs each of its nodes must have, 0 for none
 */
public record NodeChoice(List<String> required, List<String> excluded, List<String> features, int gpus) {
    /** A job that names no node, no feature and no GPU. */
    public static final NodeChoice NONE = new NodeChoice(List.of(), List.of(), List.of(), 0);

    /** Copies the lists; @throws IllegalArgumentException if a node is both required and excluded */
    public NodeChoice {
        required = List.copyOf(required);
        excluded = List.copyOf(excluded);
        features = List.copyOf(features);
        Set<String> both = new HashSet<>(required);
        both.retainAll(excluded);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("node " + both.iterator().next() + " is both required and excluded");
        }
    }

    /**
     * A choice of nodes by name only.
     *
     * @param required the nodes it must be given
     * @param excluded the nodes it must not be given
     */
    public NodeChoice(List<String> required, List<String> excluded) {
        this(required, excluded, List.of(), 0);
    }

    /**
     * @param required the required nodes as stored (names separated by spaces), or null
     * @param excluded the excluded nodes as stored, or null
     * @param features the features as stored, or null
     * @param gpus     the GPUs per node as stored, 0 for none
     * @return the choice
     */
    static NodeChoice ofStored(String required, String excluded, String features, int gpus) {
        return required == null && excluded == null && features == null && gpus <= 0 ? NONE
                : new NodeChoice(Words.list(required), Words.list(excluded), Words.list(features), Math.max(0, gpus));
    }

    /** @return whether it names no node, no feature and no GPU */
    public boolean isEmpty() {
        return required.isEmpty() && excluded.isEmpty() && features.isEmpty() && gpus == 0;
    }

    /**
     * @param nodes   an allocation
     * @param offered what the nodes offer
     * @return why the job may not have it (a required node missing, an excluded one given, a node without the
     *     features or GPUs), or null when it may
     */
    public String refusal(List<String> nodes, NodeFeatures offered) {
        String refusal = refusal(nodes);
        String lacking = refusal == null ? offered.lacking(nodes, features, gpus) : null;
        if (lacking == null) {
            return refusal;
        }
        return "node " + lacking + " lacks " + (features.isEmpty() ? ""
                : "feature(s) " + String.join(" ", features) + (gpus > 0 ? " or " : "")) + (gpus > 0 ? gpus + " GPU(s)" : "");
    }

    /**
     * @param nodes an allocation
     * @return why the job may not have it (a required node missing, an excluded one given), or null when it may
     */
    public String refusal(List<String> nodes) {
        Set<String> given = new HashSet<>(nodes);
        List<String> missing = new ArrayList<>();
        for (String node : required) {
            if (!given.contains(node)) {
                missing.add(node);
            }
        }
        if (!missing.isEmpty()) {
            return "it must be given node(s) " + String.join(" ", missing);
        }
        for (String node : excluded) {
            if (given.contains(node)) {
                return "it excludes node " + node;
            }
        }
        return null;
    }

    /** @return a list as stored and sent: names separated by single spaces, or null when empty */
    static String stored(List<String> names) {
        return Words.join(names);
    }
}
