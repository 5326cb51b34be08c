package org.sss.queuemanager;

import org.sss.lib.runtime.ComponentMain;

/** {@code queue-manager [--config FILE]}: runs the queue manager in the foreground. */
public final class QueueManagerMain {
    private QueueManagerMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(QueueManager.NAME, "Runs the SSS queue manager: durable PBS batch jobs.", args,
                config -> QueueManagerSettings.from(config).component(), QueueManager::start);
    }
}
