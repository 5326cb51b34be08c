package org.sss.eventmanager;

import org.sss.lib.runtime.ComponentMain;

/** {@code event-manager [--config FILE]}: runs the event manager in the foreground. */
public final class EventManagerMain {
    private EventManagerMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(EventManager.NAME, "Runs the SSS event manager: a durable event log with subscriptions and replay.", args,
                config -> config.eventManager().component(), EventManager::start);
    }
}
