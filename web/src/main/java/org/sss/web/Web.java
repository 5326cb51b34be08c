package org.sss.web;

import java.io.IOException;
import java.util.List;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.web.internal.DashboardAccess;
import org.sss.web.internal.DashboardServer;
import org.sss.web.internal.ActivityLog;
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
public final class Web extends Component {
    /** The component's name. */
    public static final String NAME = "web";
    private final DashboardServer dashboard;

    private Web(DashboardServer dashboard) {
        this.dashboard = dashboard;
    }

    /**
     * The shortest time between two pushes of events to the dashboard's feed: a person reading it needs no event
     * sooner, and the events of a busy suite then come in a few pushes a second rather than one per event.
     */
    static final int FEED_DELAY_MILLIS = 250;

    /**
     * Starts the dashboard, then serves, registers and subscribes. Closing it stops serving the page, then the
     * component.
     *
     * @param config the configuration (with a {@code <web>} element)
     * @return the running dashboard
     * @throws IOException     if a port cannot be bound
     * @throws ConfigException if the element is missing or unusable
     */
    public static Web start(SssConfig config) throws IOException, ConfigException {
        WebSettings settings = WebSettings.from(config);
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        EventFeed feed = new EventFeed();
        SuiteView view = launch.open(runtime -> new SuiteView(runtime.components(), settings.ring()));
        DashboardAccess access = new DashboardAccess(config.security().keys(), settings.viewerKey());
        DashboardServer dashboard = launch.front(runtime -> DashboardServer.start(settings.dashboardListen(),
                settings.dashboardPort(), config.raw().getCluster(), view, feed, access,
                new ActivityLog(runtime.components())));
        launch.runtime().advertiseUrl("http://" + settings.component().host() + ":" + dashboard.port() + "/");
        launch.runtime().subscriptions().subscribe(NAME, List.of(), null, FEED_DELAY_MILLIS, feed::publish);
        return launch.serve(new Web(dashboard), () -> "dashboard at http://" + settings.dashboardListen() + ":"
                + dashboard.port() + "/ (viewer key " + (settings.viewerKey() == null ? "none: loopback only" : "configured")
                + "); serving events on " + launch.runtime().endpoint());
    }

    /** @return the dashboard's HTTP port */
    public int dashboardPort() {
        return dashboard.port();
    }
}
