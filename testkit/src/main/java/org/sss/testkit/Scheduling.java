package org.sss.testkit;

import java.io.IOException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.nodestatemanager.NodeStateManager;
import org.sss.scheduler.Scheduler;

/**
 * What starts jobs in a test suite: a node state manager (watching the configuration's {@code <ring>}) and a
 * scheduler, in-process, started together once the configuration has their elements ({@link #ELEMENTS}). The queue
 * manager places nothing by itself: without these, submitted jobs wait. Closes both.
 */
public final class Scheduling implements AutoCloseable {
    /**
     * The two elements, with quick passes and a first-fit scheduler (submission order, as tests expect); add them to
     * a {@link TestConfig} with {@link TestConfig#with}.
     */
    public static final String ELEMENTS = "<node-state-manager host=\"127.0.0.1\" port=\"0\" poll-interval=\"0.2\"/>"
            + "<scheduler host=\"127.0.0.1\" port=\"0\" interval=\"1\" policy=\"first-fit\"/>";
    private final NodeStateManager nodes;
    private final Scheduler scheduler;

    private Scheduling(NodeStateManager nodes, Scheduler scheduler) {
        this.nodes = nodes;
        this.scheduler = scheduler;
    }

    /**
     * @param config a configuration with a {@code <ring>}, {@code <nodes>} and the {@link #ELEMENTS}
     * @return both running and registered
     * @throws IOException     if one cannot start
     * @throws ConfigException if the configuration lacks what they need
     */
    public static Scheduling start(SssConfig config) throws IOException, ConfigException {
        NodeStateManager nodes = NodeStateManager.start(config);
        Scheduler scheduler;
        try {
            scheduler = Scheduler.start(config);
        } catch (IOException | ConfigException | RuntimeException e) {
            nodes.close();
            throw e;
        }
        Awaitility.await("the node state manager and the scheduler register").atMost(Duration.ofSeconds(60))
                .until(() -> nodes.runtime().isRegistered() && scheduler.runtime().isRegistered());
        return new Scheduling(nodes, scheduler);
    }

    @Override
    public void close() {
        scheduler.close();
        nodes.close();
    }
}
