package org.sss.sssjob.internal;

import java.io.IOException;

/**
 * Sends the local terminal's size to the job's terminal whenever it changes: on each SIGWINCH (through the JDK's
 * {@code sun.misc.Signal}, the one way a JDK program hears it), the size as {@code stty size} reads it. The handler
 * runs on the JDK's signal thread; a send that fails is left to the relay, which sees the connection end.
 */
final class WindowSizes {
    private WindowSizes() {
    }

    /**
     * @param terminal the local terminal (nothing is followed without one)
     * @param relay    where sizes go
     */
    @SuppressWarnings("removal")
    static void follow(LocalTerminal terminal, TerminalRelay relay) {
        if (!terminal.present()) {
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> {
                try {
                    relay.sendSize(terminal.size());
                } catch (IOException e) {
                    // the connection ended; the relay tells the user
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGWINCH here: the size stays what it was at the start
        }
    }
}
