package org.sss.sssjob.internal;

/**
 * The exit statuses of {@code sssjob} and its faces, for scripts to trust. {@code sssjob wait} leaves with the job's
 * own exit status instead when the job ended.
 */
public final class ExitStatus {
    /** Done as asked. */
    public static final int OK = 0;
    /** The queue manager refused: no such job, not yours, not in a state that allows it, or it failed. */
    public static final int REFUSED = 1;
    /** Bad arguments, options, directives or script: nothing was stored or changed. */
    public static final int USAGE = 2;
    /** The queue manager could not be reached (not running, wrong socket, timed out). */
    public static final int UNREACHABLE = 3;

    private ExitStatus() {
    }
}
