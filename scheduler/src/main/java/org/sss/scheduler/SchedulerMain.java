package org.sss.scheduler;

import org.sss.lib.runtime.ComponentMain;

/** {@code scheduler [--config FILE]}: runs the scheduler in the foreground. */
public final class SchedulerMain {
    private SchedulerMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(Scheduler.NAME, "Runs the SSS scheduler: priority FIFO, EASY backfill, reservations.", args,
                config -> SchedulerSettings.from(config).component(), Scheduler::start);
    }
}
