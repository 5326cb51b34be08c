package org.sss.queuemanager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.runtime.Subscriptions;
import org.sss.lib.server.LocalPrincipals;
import org.sss.lib.server.LocalServer;
import org.sss.lib.server.LocalServerSettings;
import org.sss.lib.wire.Endpoint;
import org.sss.queuemanager.internal.Job;
import org.sss.queuemanager.internal.JobOperations;
import org.sss.queuemanager.internal.JobService;
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
public final class QueueManager implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "queue-manager";
    private static final Logger LOG = LoggerFactory.getLogger(QueueManager.class);
    private final ComponentRuntime runtime;
    private final JobService service;
    private final LocalServer local;

    private QueueManager(ComponentRuntime runtime, JobService service, LocalServer local) {
        this.runtime = runtime;
        this.service = service;
        this.local = local;
    }

    /**
     * Opens the store, starts serving and registers with the service directory.
     *
     * @param config the configuration (with a {@code <queue-manager>} element)
     * @return the running queue manager
     * @throws IOException     if the store cannot be opened or the port bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static QueueManager start(SssConfig config) throws IOException, ConfigException {
        QueueManagerSettings settings = QueueManagerSettings.from(config);
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component());
        JobService service;
        try {
            service = JobService.start(settings, runtime.components());
        } catch (IOException e) {
            runtime.close();
            throw e;
        }
        new JobOperations(service, settings).registerOn(runtime.dispatcher());
        long cursor;
        try {
            cursor = service.eventCursor();
        } catch (IOException e) {
            service.close();
            runtime.close();
            throw e;
        }
        runtime.subscriptions().subscribe(JobService.SUBSCRIPTION, List.of(
                Subscriptions.filter("process-manager", SuiteEvent.PROCESS_GROUP_END.value(), null),
                Subscriptions.filter("node-state-manager", SuiteEvent.NODE_STATE_CHANGED.value(), null)),
                cursor, service::onEvent);
        runtime.dispatcher().metrics().gauge("sss_jobs", "Jobs the queue manager holds, by state.", "state", () -> {
            Map<String, Long> byState = new TreeMap<>();
            for (Job.State state : Job.State.values()) {
                byState.put(state.xmlName(), 0L);
            }
            for (Job job : service.table().all()) {
                byState.merge(job.state().xmlName(), 1L, Long::sum);
            }
            return byState;
        });
        LocalServer local = null;
        try {
            local = LocalServer.start(new LocalServerSettings(NAME, settings.socket(), config.wire()),
                    LocalPrincipals.withAdmins(settings.admins()), runtime.dispatcher());
            runtime.start();
        } catch (IOException e) {
            if (local != null) {
                local.close();
            }
            service.close();
            runtime.close();
            throw e;
        }
        LOG.info("queue-manager: serving on {} and {}; store {}; {} queue(s), {} node(s)", runtime.endpoint(),
                settings.socket(), settings.database(), settings.queues().size(), settings.nodes().size());
        return new QueueManager(runtime, service, local);
    }

    /** @return where it listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return the Unix-domain socket local users' commands connect to */
    public Path socket() {
        return local.socket();
    }

    /** Stops serving; running jobs run on and are followed again at the next start. */
    @Override
    public void close() {
        local.close();
        runtime.close();
        service.close();
    }
}
