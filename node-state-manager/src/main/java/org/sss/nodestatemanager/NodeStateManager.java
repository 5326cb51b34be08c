package org.sss.nodestatemanager;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.lib.server.MessageDispatcher;
import org.sss.nodestatemanager.internal.NodeOperations;
import org.sss.nodestatemanager.internal.NodeService;
import org.sss.nodestatemanager.internal.NodeState;
import org.sss.nodestatemanager.internal.NodeTable;

/**
 * The node state manager component: knows the compute nodes (from the configuration's {@code <nodes>} and the mpd
 * ring's members) and whether each takes new work — down while its mpd is not in the ring, drained or offline when
 * an administrator says so (stored durably, with a reason), else up — and publishes {@code node-state-changed}
 * events. A node whose mpd dies goes down by itself within a poll interval plus the ring's repair, and comes back
 * up when its mpd rejoins.
 */
public final class NodeStateManager extends Component {
    /** The component's name. */
    public static final String NAME = "node-state-manager";

    private NodeStateManager() {
    }

    /**
     * Opens the store, reads the ring, starts serving and registers with the service directory.
     *
     * @param config the configuration (with a {@code <node-state-manager>} element)
     * @return the running component
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static NodeStateManager start(SssConfig config) throws IOException, ConfigException {
        NodeStateManagerSettings settings = NodeStateManagerSettings.from(config);
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        NodeService service = launch.open(runtime -> NodeService.start(settings, runtime.components()));
        MessageDispatcher dispatcher = launch.runtime().dispatcher();
        new NodeOperations(service).registerOn(dispatcher);
        dispatcher.metrics().gauge("sss_ring_members", "mpds in the ring at the last reading (0: no mpd answered).", "ring",
                () -> Map.of("mpd", service.ringSize()));
        dispatcher.metrics().gauge("sss_nodes", "Nodes by state (up: in the ring and not set aside).", "state",
                () -> {
                    Map<String, Long> byState = new TreeMap<>();
                    for (NodeState state : NodeState.values()) {
                        byState.put(state.xmlName(), 0L);
                    }
                    for (NodeTable.View node : service.nodes()) {
                        byState.merge(node.state().xmlName(), 1L, Long::sum);
                    }
                    return byState;
                });
        return launch.serve(new NodeStateManager(), () -> "serving on " + launch.runtime().endpoint() + "; "
                + settings.nodes().size() + " configured node(s); watching the ring through " + settings.mpds());
    }
}
