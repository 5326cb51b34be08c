package org.sss.processmanager;

import org.sss.lib.runtime.ComponentMain;

/** {@code process-manager [--config FILE]}: runs the process manager in the foreground. */
public final class ProcessManagerMain {
    private ProcessManagerMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(ProcessManager.NAME, "Runs the SSS process manager: process groups on the mpd ring.", args,
                config -> ProcessManagerSettings.from(config).component(), ProcessManager::start);
    }
}
