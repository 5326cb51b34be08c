package org.sss.mpd.internal;

/** A peer sent a message that does not follow the mpd protocol; the connection is dropped. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, without echoing the peer's bytes */
    public MalformedMessageException(String message) {
        super(message);
    }
}
