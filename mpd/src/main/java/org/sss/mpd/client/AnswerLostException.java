package org.sss.mpd.client;

import java.io.IOException;

/**
 * A request reached the mpd, or may have, and its answer did not come back (the connection broke, or stayed silent
 * past the time allowed): the mpd may have carried it out. A caller for whom that matters — a launch, which must not
 * run twice — finds out what happened by other means (a detached job by its tag) instead of asking again blindly.
 * A plain {@link IOException} from a request means it was not sent.
 */
public final class AnswerLostException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the mpd
     * @param cause   the failure, or null
     */
    public AnswerLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
