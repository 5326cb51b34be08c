package org.sss.queuemanager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.lib.runtime.EventListener;
import org.sss.lib.runtime.Subscriptions;
import org.sss.lib.server.LocalPrincipals;
import org.sss.lib.server.LocalServer;
import org.sss.lib.server.LocalServerSettings;
import org.sss.lib.server.MessageDispatcher;
import org.sss.queuemanager.internal.Job;
import org.sss.queuemanager.internal.AccountingOperations;
import org.sss.queuemanager.internal.JobOperations;
import org.sss.queuemanager.internal.JobService;
import org.sss.queuemanager.internal.NodeUsageOperations;
import org.sss.schema.EventType;
import org.sss.schema.SuiteEvent;

/**
 * The queue manager component (the SSS queue manager: it "mediates among user (job submitter), Job Scheduler, and
 * Process Manager"): accepts PBS batch jobs, keeps them durably in SQLite (a job is committed before its id is returned),
 * starts them on the nodes a scheduler names through the process manager (it places nothing itself), learns each
 * end from the process manager's durable {@code process-group-end} event,
 * enforces walltimes, and publishes typed job events ({@code job-submitted}, {@code job-finished},
 * {@code job-requeued}, {@code job-held}, {@code job-released}, {@code job-modified}), each carrying the job. Killed and restarted, it finds every acknowledged job again and follows the running
 * ones to their end.
 *
 * <p>Besides its TCP port (the challenge wire, for components and administrators holding the key) it listens on a
 * Unix-domain socket ({@code socket} in the configuration) where local users' commands ({@code sssjob}, {@code qsub}
 * …) connect with no key at all: the kernel names the caller ({@code SO_PEERCRED}); root and the configured
 * {@code admins} act on every job, other users on their own.
 */
public final class QueueManager extends Component {
    /** The component's name. */
    public static final String NAME = "queue-manager";
    private final LocalServer local;

    private QueueManager(LocalServer local) {
        this.local = local;
    }

    /**
     * Opens the store, starts serving and registers with the service directory. Closing it stops serving; running
     * jobs run on and are followed again at the next start.
     *
     * @param config the configuration (with a {@code <queue-manager>} element)
     * @return the running queue manager
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static QueueManager start(SssConfig config) throws IOException, ConfigException {
        QueueManagerSettings settings = QueueManagerSettings.from(config);
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        MessageDispatcher dispatcher = launch.runtime().dispatcher();
        JobService service = launch.open(runtime -> JobService.start(settings, runtime.components()));
        new JobOperations(service, settings).registerOn(dispatcher);
        new AccountingOperations(service.accounting()).registerOn(dispatcher);
        new NodeUsageOperations(service, settings).registerOn(dispatcher);
        long cursor = launch.attempt(runtime -> service.eventCursor());
        launch.runtime().subscriptions().subscribe(JobService.SUBSCRIPTION, List.of(
                Subscriptions.filter("process-manager", SuiteEvent.PROCESS_GROUP_END.value(), null),
                Subscriptions.filter("node-state-manager", SuiteEvent.NODE_STATE_CHANGED.value(), null)),
                cursor, new EventListener() {
                    @Override
                    public void onEvent(EventType event) {
                        service.onEvent(event);
                    }

                    @Override
                    public void onEvents(List<EventType> events) {
                        service.onEvents(events);
                    }
                });
        dispatcher.metrics().gauge("sss_jobs", "Jobs the queue manager holds, by state.", "state", () -> {
            Map<String, Long> byState = new TreeMap<>();
            for (Job.State state : Job.State.values()) {
                byState.put(state.xmlName(), 0L);
            }
            for (Job job : service.table().all()) {
                byState.merge(job.state().xmlName(), 1L, Long::sum);
            }
            return byState;
        });
        LocalServer local = launch.front(runtime -> LocalServer.start(new LocalServerSettings(NAME, settings.socket(),
                config.wire()), LocalPrincipals.withAdmins(settings.admins()), dispatcher));
        return launch.serve(new QueueManager(local), () -> "serving on " + launch.runtime().endpoint() + " and "
                + settings.socket() + "; store " + settings.database() + "; " + settings.queues().size() + " queue(s), "
                + settings.nodes().size() + " node(s)");
    }

    /** @return the Unix-domain socket local users' commands connect to */
    public Path socket() {
        return local.socket();
    }
}
