package org.sss.processmanager;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.wire.Endpoint;
import org.sss.processmanager.internal.GroupManager;
import org.sss.processmanager.internal.GroupOperations;

/**
 * The process manager component (the SSS "Process Manager"): serves create-, get-info-, signal-, kill-,
 * checkpoint-, wait- and del-process-group requests, runs each group as a detached job on the mpd ring, keeps every
 * group and its end in SQLite, and publishes typed {@code process-group-signal} and {@code process-group-end}
 * events.
 * Killed and restarted, it finds its running groups on the ring again (same pgids) and goes on following them.
 */
public final class ProcessManager implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "process-manager";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessManager.class);
    private final ComponentRuntime runtime;
    private final GroupManager groups;

    private ProcessManager(ComponentRuntime runtime, GroupManager groups) {
        this.runtime = runtime;
        this.groups = groups;
    }

    /**
     * Opens the store, recovers its groups, starts serving and registers with the service directory.
     *
     * @param config the configuration (with a {@code <process-manager>} element)
     * @return the running process manager
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static ProcessManager start(SssConfig config) throws IOException, ConfigException {
        ProcessManagerSettings settings = ProcessManagerSettings.from(config);
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component());
        GroupManager groups;
        try {
            groups = GroupManager.start(settings, runtime.components(), runtime.dispatcher().codec());
        } catch (IOException e) {
            runtime.close();
            throw e;
        }
        Duration longestWait = config.wire().callTimeout().minusSeconds(5);
        new GroupOperations(groups, longestWait.isNegative() || longestWait.isZero() ? Duration.ofSeconds(1) : longestWait)
                .registerOn(runtime.dispatcher());
        GroupManager counted = groups;
        runtime.dispatcher().metrics().gauge("sss_process_groups", "Process groups the process manager holds, by state"
                + " (ended ones until their owner has recorded them, or their retention).", "state", counted::countByState);
        try {
            runtime.start();
        } catch (IOException e) {
            groups.close();
            runtime.close();
            throw e;
        }
        LOG.info("process-manager: serving on {}; ring via {}; store {}", runtime.endpoint(), settings.mpds(),
                settings.database());
        return new ProcessManager(runtime, groups);
    }

    /** @return where it listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return its runtime (registration, events) */
    public ComponentRuntime runtime() {
        return runtime;
    }

    /** Stops serving; the groups' jobs run on, detached, and are found again at the next start. */
    @Override
    public void close() {
        runtime.close();
        groups.close();
    }
}
