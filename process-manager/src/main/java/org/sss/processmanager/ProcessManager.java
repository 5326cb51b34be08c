package org.sss.processmanager;

import java.io.IOException;
import java.time.Duration;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.lib.server.MessageDispatcher;
import org.sss.processmanager.internal.GroupManager;
import org.sss.processmanager.internal.GroupOperations;

/**
 * The process manager component (the SSS "Process Manager"): serves create-, get-info-, signal-, kill-,
 * checkpoint-, wait- and del-process-group requests, runs each group as a detached job on the mpd ring, keeps every
 * group and its end in SQLite, and publishes typed {@code process-group-signal} and {@code process-group-end}
 * events.
 * Killed and restarted, it finds its running groups on the ring again (same pgids) and goes on following them.
 */
public final class ProcessManager extends Component {
    /** The component's name. */
    public static final String NAME = "process-manager";

    private ProcessManager() {
    }

    /**
     * Opens the store, recovers its groups, starts serving and registers with the service directory. Closing it stops
     * serving; the groups' jobs run on, detached, and are found again at the next start.
     *
     * @param config the configuration (with a {@code <process-manager>} element)
     * @return the running process manager
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static ProcessManager start(SssConfig config) throws IOException, ConfigException {
        ProcessManagerSettings settings = ProcessManagerSettings.from(config);
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        MessageDispatcher dispatcher = launch.runtime().dispatcher();
        GroupManager groups = launch.open(runtime -> GroupManager.start(settings, runtime.components(), dispatcher.codec()));
        Duration longestWait = config.wire().callTimeout().minusSeconds(5);
        new GroupOperations(groups, longestWait.isNegative() || longestWait.isZero() ? Duration.ofSeconds(1) : longestWait)
                .registerOn(dispatcher);
        dispatcher.metrics().gauge("sss_process_groups", "Process groups the process manager holds, by state"
                + " (ended ones until their owner has recorded them, or their retention).", "state", groups::countByState);
        return launch.serve(new ProcessManager(), () -> "serving on " + launch.runtime().endpoint() + "; ring via "
                + settings.mpds() + "; store " + settings.database());
    }
}
