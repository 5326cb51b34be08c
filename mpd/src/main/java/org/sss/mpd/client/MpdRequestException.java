package org.sss.mpd.client;

/** The mpd understood a console request and refused it (unknown job, unknown host, job still running, …). */
public final class MpdRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message the mpd's explanation */
    public MpdRequestException(String message) {
        super(message);
    }
}
