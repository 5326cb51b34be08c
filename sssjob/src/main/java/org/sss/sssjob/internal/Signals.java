package org.sss.sssjob.internal;

import java.util.function.IntConsumer;

/**
 * SIGINT, SIGTERM and SIGHUP for the commands that hold an allocation (run, alloc): instead of ending the JVM, each
 * is handed to the action of the moment (its signal number), so the command can cancel its queued job, or pass the
 * signal on to what it runs and still release the allocation. Uses the JDK's {@code sun.misc.Signal}
 * (module jdk.unsupported, part of every JDK): the JDK has no supported way to catch a signal.
 */
final class Signals {
    private static volatile IntConsumer action = number -> { };

    private Signals() {
    }

    /**
     * Catches SIGINT, SIGTERM and SIGHUP from now on, handing each to {@code to}.
     *
     * @param to what to do with a signal's number (2, 15, 1); runs on a thread of its own
     */
    @SuppressWarnings("removal")
    static void route(IntConsumer to) {
        action = to;
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.accept(signal.getNumber()));
            } catch (IllegalArgumentException e) {
                // this signal is in use by the JVM (-Xrs): left as it is
            }
        }
    }
}
