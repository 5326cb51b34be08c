package org.sss.web;

import org.sss.lib.runtime.ComponentMain;

/** {@code web [--config FILE]}: runs the dashboard in the foreground. */
public final class WebMain {
    private WebMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(Web.NAME, "Runs the SSS web dashboard: jobs, nodes, the ring, live events, job output.", args,
                config -> WebSettings.from(config).component(), Web::start);
    }
}
