package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.schema.NodeStateType;
import org.sss.schema.NodeUsage;
import org.sss.schema.NodeUsageQuery;
import org.sss.schema.NodeUsageType;

/**
 * Answers {@code node-usage-query} (sinfo's question) with every compute node: the configured ones in the
 * configuration's order, then any other the node state manager knows; each with its slots, its state from the node
 * state manager ({@code unknown} for all when it cannot be asked, which is logged once per query), and the running
 * jobs holding it with the slots they hold. Anyone may ask; nothing in it is private beyond job ids.
 */
public final class NodeUsageOperations {
    private static final Logger LOG = LoggerFactory.getLogger(NodeUsageOperations.class);
    private final JobService service;
    private final QueueManagerSettings settings;

    /**
     * @param service  the jobs and the node state manager
     * @param settings the configured nodes
     */
    public NodeUsageOperations(JobService service, QueueManagerSettings settings) {
        this.service = service;
        this.settings = settings;
    }

    /** @param dispatcher where to register the operation */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("node-usage-query", NodeUsageQuery.class, (request, context) -> usage());
    }

    private NodeUsage usage() {
        Map<String, NodeUsageType> byName = new LinkedHashMap<>();
        for (ClusterNodes.Node node : settings.nodes()) {
            NodeUsageType usage = node(node.name(), node.slots(), "unknown", null);
            usage.setFeatures(node.features().isEmpty() ? null : String.join(" ", node.features().stream().sorted().toList()));
            usage.setGpus(node.gpus() > 0 ? node.gpus() : null);
            byName.put(node.name(), usage);
        }
        try {
            for (NodeStateType state : service.nodeStates()) {
                NodeUsageType known = byName.get(state.getName());
                int slots = state.getSlots() != null ? state.getSlots() : known != null ? known.getSlots() : 1;
                NodeUsageType usage = node(state.getName(), slots, state.getState().value(), state.getReason());
                usage.setFeatures(state.getFeatures() != null ? state.getFeatures()
                        : known != null ? known.getFeatures() : null);
                usage.setGpus(state.getGpus() != null ? state.getGpus() : known != null ? known.getGpus() : null);
                byName.put(state.getName(), usage);
            }
        } catch (SssException e) {
            LOG.warn("queue-manager: node-usage-query: node states unknown, the node state manager did not answer: {}",
                    e.getMessage());
        }
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (Job job : service.table().unfinished()) {
            if (!job.holdsNodes()) {
                continue;
            }
            for (String name : job.allocated()) {
                NodeUsageType node = byName.computeIfAbsent(name, n -> node(n, job.spec().ppn(), "unknown", null));
                node.setUsedSlots(node.getUsedSlots() + job.spec().ppn());
                jobs.computeIfAbsent(name, n -> new ArrayList<>()).add(job.id());
            }
        }
        NodeUsage reply = new NodeUsage();
        for (NodeUsageType node : byName.values()) {
            List<String> on = jobs.get(node.getName());
            node.setJobs(on == null ? null : String.join(" ", on));
            reply.getNode().add(node);
        }
        return reply;
    }

    private static NodeUsageType node(String name, int slots, String state, String reason) {
        NodeUsageType node = new NodeUsageType();
        node.setName(name);
        node.setSlots(slots);
        node.setUsedSlots(0);
        node.setState(state);
        node.setReason(reason == null || reason.isBlank() ? null : reason);
        return node;
    }
}
