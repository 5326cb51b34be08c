package org.sss.scheduler;

import java.io.IOException;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
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
public final class Scheduler extends Component {
    /** The component's name. */
    public static final String NAME = "scheduler";

    private Scheduler() {
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
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        SchedulerService service = launch.open(runtime -> SchedulerService.start(settings, runtime.components(),
                runtime.subscriptions(), runtime.events()));
        new SchedulerOperations(service).registerOn(launch.runtime().dispatcher());
        return launch.serve(new Scheduler(), () -> "serving on " + launch.runtime().endpoint() + "; a pass at least every "
                + settings.interval().toMillis() + " ms; " + service.reservations().all().size() + " reservation(s)");
    }
}
