package org.sss.mpd.internal.pmi;

/** A rank sent a PMI line that breaks the protocol; it gets an error reply and the mpd carries on. */
public final class PmiProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, without echoing more than a short excerpt of the line */
    public PmiProtocolException(String message) {
        super(message);
    }
}
