package org.sss.processmanager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.RingAccess;
import org.sss.mpd.client.UnixSignals;
import org.sss.schema.config.ProcessManagerType;

/**
 * The process manager's element of the configuration ({@code <process-manager>}), checked.
 *
 * @param component        where it listens and which key it presents
 * @param mpds             the mpds it launches through, in the order tried
 * @param ringSecret       the ring's secret
 * @param database         its SQLite database (absolute)
 * @param checkpointSignal the signal checkpoint-process-group delivers
 * @param killGrace        SIGTERM to SIGKILL delay when a group is killed
 * @param outputLimit      bytes of output, and separately of error output, kept per group
 * @param allowRoot        whether a process-spec may run processes as root
 * @param endedRetention   how long an ended group that no component is to release (one a user created) is kept
 */
public record ProcessManagerSettings(ComponentSettings component, List<Endpoint> mpds, SharedKey ringSecret, Path database,
                                     int checkpointSignal, Duration killGrace, long outputLimit, boolean allowRoot,
                                     Duration endedRetention) {
    /** The element's name. */
    public static final String ELEMENT = "process-manager";

    /** Copies the list. */
    public ProcessManagerSettings {
        mpds = List.copyOf(mpds);
    }

    /**
     * @param config a loaded configuration
     * @return the process manager's settings
     * @throws ConfigException if the element is missing or a value cannot be used, naming file, line and field
     */
    public static ProcessManagerSettings from(SssConfig config) throws ConfigException {
        ProcessManagerType element = ConfigSections.required(config, config.raw().getProcessManager(), ELEMENT,
                "the process manager");
        RingAccess ring = RingAccess.from(config, "process manager");
        int checkpoint;
        try {
            checkpoint = UnixSignals.parse(element.getCheckpointSignal());
        } catch (IllegalArgumentException e) {
            throw ConfigSections.error(config, element, "<" + ELEMENT + "> checkpoint-signal", e.getMessage());
        }
        return new ProcessManagerSettings(ConfigSections.component(config, element, ELEMENT), ring.mpds(), ring.secret(),
                ConfigSections.inState(config, element.getDatabase()), checkpoint,
                ConfigSections.seconds(element.getKillGrace()), element.getOutputLimit(), element.isAllowRoot(),
                ConfigSections.seconds(element.getEndedRetention()));
    }
}
