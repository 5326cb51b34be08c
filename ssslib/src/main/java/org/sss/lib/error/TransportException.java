package org.sss.lib.error;

/**
 * A call that got no reply: the component could not be found or reached, authentication was refused,
 * the connection broke, or the reply did not arrive in time. Carries {@link ErrorCode#UNAVAILABLE}.
 *
 * <p>{@link #requestSent()} tells whether the request may have reached the component: when it is false the
 * call certainly had no effect and may be retried elsewhere; when true, retrying could repeat it.
 */
public final class TransportException extends SssException {
    private static final long serialVersionUID = 1L;
    private final boolean requestSent;

    /**
     * @param message     a one-line description naming the peer
     * @param cause       the I/O failure, if any
     * @param requestSent whether the request may have reached the component
     */
    public TransportException(String message, Throwable cause, boolean requestSent) {
        super(ErrorCode.UNAVAILABLE, message, cause);
        this.requestSent = requestSent;
    }

    /** @param message a one-line description naming the peer; the request was not sent */
    public TransportException(String message) {
        super(ErrorCode.UNAVAILABLE, message);
        this.requestSent = false;
    }

    /** @return whether the request may have reached the component */
    public boolean requestSent() {
        return requestSent;
    }
}
