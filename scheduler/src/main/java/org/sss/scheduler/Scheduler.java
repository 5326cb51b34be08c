package org.sss.scheduler;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.wire.Endpoint;
import org.sss.scheduler.internal.SchedulerOperations;
import org.sss.scheduler.internal.SchedulerService;

/**
 * The scheduler component (Maui's place in seed 002): learns of work from events ({@code job-submitted},
 * {@code job-finished}, {@code node-state-changed}) and a periodic pass, reads the queue manager's jobs and queues and
 * the node state manager's nodes in XML, plans with priority FIFO, EASY backfill and advance reservations, and sends
 * the queue manager {@code job-start} with a node list — the queue manager alone commits allocations; a refused start
 * is planned again. Reservations are kept durably and served as {@code reservation-*} messages. Any other scheduler
 * speaking the same messages could take its place.
 */
public final class Scheduler implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private final ComponentRuntime runtime;
    private final SchedulerService service;

    private Scheduler(ComponentRuntime runtime, SchedulerService service) {
        this.runtime = runtime;
        this.service = service;
    }

    /**
     * Opens the reservations, starts serving, registers and subscribes, and starts planning.
     *
     * @param config the configuration (with a {@code <scheduler>} element)
     * @return the running scheduler
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static Scheduler start(SssConfig config) throws IOException, ConfigException {
        SchedulerSettings settings = SchedulerSettings.from(config);
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component());
        SchedulerService service;
        try {
            service = SchedulerService.start(settings, runtime.components(), runtime.subscriptions(), runtime.events());
        } catch (IOException e) {
            runtime.close();
            throw e;
        }
        new SchedulerOperations(service).registerOn(runtime.dispatcher());
        try {
            runtime.start();
        } catch (IOException e) {
            service.close();
            runtime.close();
            throw e;
        }
        LOG.info("scheduler: serving on {}; a pass at least every {} ms; {} reservation(s)", runtime.endpoint(),
                settings.interval().toMillis(), service.reservations().all().size());
        return new Scheduler(runtime, service);
    }

    /** @return where it listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return the runtime (registration and subscription state) */
    public ComponentRuntime runtime() {
        return runtime;
    }

    /** Stops planning and serving. */
    @Override
    public void close() {
        runtime.close();
        service.close();
    }
}
