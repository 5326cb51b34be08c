package org.sss.sssjob.internal;

/**
 * A command that cannot go on: its one-line message (without the program's name) and the exit status to leave with.
 * Thrown for usage errors, refusals by the queue manager and failures to reach it; never for the normal outcome of
 * a command.
 */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status  the exit status ({@link ExitStatus})
     * @param message what went wrong, one line
     */
    public CliException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /**
     * @param message what is wrong with the command line
     * @return a usage error (exit 2)
     */
    public static CliException usage(String message) {
        return new CliException(ExitStatus.USAGE, message);
    }

    /** @return the exit status to leave with */
    public int status() {
        return status;
    }
}
