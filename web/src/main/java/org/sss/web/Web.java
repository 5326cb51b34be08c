package org.sss.web;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.wire.Endpoint;
import org.sss.web.internal.DashboardAccess;
import org.sss.web.internal.DashboardServer;
import org.sss.web.internal.EventFeed;
import org.sss.web.internal.SuiteView;

/**
 * The web dashboard component: registers with the service directory like every component (its directory entry
 * carries the dashboard's address as its {@code url}; its {@code http-port}, when configured, serves {@code POST /sss}
 * and {@code /metrics} as every component's does), subscribes to every event, and serves one page with the jobs, the nodes, the
 * ring's members, the live event feed and a job's output as it grows. Browsers on loopback read it freely; others
 * sign in with the viewer key; cancelling a job needs a suite key of role user (own jobs only) or admin. It holds no
 * state of its own: everything shown is asked of the queue manager, the node state manager and the ring.
 */
public final class Web implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "web";
    private static final Logger LOG = LoggerFactory.getLogger(Web.class);
    private final ComponentRuntime runtime;
    private final DashboardServer dashboard;
    private final SuiteView view;

    private Web(ComponentRuntime runtime, DashboardServer dashboard, SuiteView view) {
        this.runtime = runtime;
        this.dashboard = dashboard;
        this.view = view;
    }

    /**
     * Starts the dashboard, then serves, registers and subscribes.
     *
     * @param config the configuration (with a {@code <web>} element)
     * @return the running dashboard
     * @throws IOException     if a port cannot be bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static Web start(SssConfig config) throws IOException, ConfigException {
        WebSettings settings = WebSettings.from(config);
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component());
        EventFeed feed = new EventFeed();
        SuiteView view = new SuiteView(runtime.components(), settings.ring());
        DashboardAccess access = new DashboardAccess(config.security().keys(), settings.viewerKey());
        DashboardServer dashboard;
        try {
            dashboard = DashboardServer.start(settings.dashboardListen(), settings.dashboardPort(), config.raw().getCluster(),
                    view, feed, access);
        } catch (IOException e) {
            view.close();
            runtime.close();
            throw e;
        }
        runtime.advertiseUrl("http://" + settings.component().host() + ":" + dashboard.port() + "/");
        runtime.subscriptions().subscribe(NAME, List.of(), null, feed::publish);
        try {
            runtime.start();
        } catch (IOException e) {
            dashboard.close();
            view.close();
            runtime.close();
            throw e;
        }
        LOG.info("web: dashboard at http://{}:{}/ (viewer key {}); serving events on {}", settings.dashboardListen(),
                dashboard.port(), settings.viewerKey() == null ? "none: loopback only" : "configured", runtime.endpoint());
        return new Web(runtime, dashboard, view);
    }

    /** @return where its challenge-wire port listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return the dashboard's HTTP port */
    public int dashboardPort() {
        return dashboard.port();
    }

    /** Stops serving the page, then the component. */
    @Override
    public void close() {
        dashboard.close();
        runtime.close();
        view.close();
    }
}
