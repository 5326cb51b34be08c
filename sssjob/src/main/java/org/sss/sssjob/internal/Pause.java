package org.sss.sssjob.internal;

/** Waiting between polls of the queue manager; Ctrl-C ends the process, an interrupt ends the command. */
final class Pause {
    private Pause() {
    }

    /**
     * @param millis how long
     * @throws CliException (exit 1) if interrupted
     */
    static void sleep(long millis) throws CliException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitStatus.REFUSED, "interrupted");
        }
    }
}
