package org.sss.nodestatemanager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.RingAccess;
import org.sss.schema.config.NodeStateManagerType;

/**
 * The node state manager's element of the configuration ({@code <node-state-manager>}) and the cluster's
 * {@code <nodes>}, checked.
 *
 * @param component    where it listens and which key it presents
 * @param mpds         the mpds it reads the ring's membership from, in the order tried
 * @param ringSecret   the ring's secret
 * @param database     its SQLite database (absolute)
 * @param pollInterval how often the membership is read
 * @param nodes        the configured nodes
 */
public record NodeStateManagerSettings(ComponentSettings component, List<Endpoint> mpds, SharedKey ringSecret,
                                       Path database, Duration pollInterval, List<ClusterNodes.Node> nodes) {
    /** The element's name. */
    public static final String ELEMENT = "node-state-manager";

    /** Copies the lists. */
    public NodeStateManagerSettings {
        mpds = List.copyOf(mpds);
        nodes = List.copyOf(nodes);
    }

    /**
     * @param config a loaded configuration
     * @return the settings
     * @throws ConfigException if the element is missing or a value cannot be used, naming file, line and field
     */
    public static NodeStateManagerSettings from(SssConfig config) throws ConfigException {
        NodeStateManagerType element = ConfigSections.required(config, config.raw().getNodeStateManager(), ELEMENT,
                "the node state manager");
        RingAccess ring = RingAccess.from(config, "node state manager");
        Duration poll = ConfigSections.seconds(element.getPollInterval());
        if (poll.isZero()) {
            throw ConfigSections.error(config, element, "<" + ELEMENT + "> poll-interval", "must be more than 0");
        }
        return new NodeStateManagerSettings(ConfigSections.component(config, element, ELEMENT), ring.mpds(), ring.secret(),
                ConfigSections.inState(config, element.getDatabase()), poll, ClusterNodes.from(config));
    }
}
