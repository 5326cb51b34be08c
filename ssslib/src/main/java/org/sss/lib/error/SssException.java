package org.sss.lib.error;

/**
 * A request that cannot be served, carrying the {@link ErrorCode} that will travel to the caller.
 *
 * <p>Handlers throw it to answer with {@code <error>}; the client throws it (or its subclasses) when a call
 * fails. The message is meant for people: it is sent as the {@code msg} attribute, so it must not contain
 * secrets or stack traces.
 */
public class SssException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    /**
     * @param code    what went wrong, as a stable code
     * @param message a one-line explanation for the caller
     */
    public SssException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code    what went wrong, as a stable code
     * @param message a one-line explanation for the caller
     * @param cause   the underlying failure, kept for local logs only
     */
    public SssException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** @return the stable error code */
    public ErrorCode code() {
        return code;
    }

    /** Shortcut for a {@link ErrorCode#NOT_FOUND} failure. */
    public static SssException notFound(String message) {
        return new SssException(ErrorCode.NOT_FOUND, message);
    }

    /** Shortcut for a {@link ErrorCode#BAD_VALUE} failure. */
    public static SssException badValue(String message) {
        return new SssException(ErrorCode.BAD_VALUE, message);
    }

    /** Shortcut for a {@link ErrorCode#PERMISSION_DENIED} failure. */
    public static SssException permissionDenied(String message) {
        return new SssException(ErrorCode.PERMISSION_DENIED, message);
    }

    /** Shortcut for a {@link ErrorCode#INVALID_STATE} failure. */
    public static SssException invalidState(String message) {
        return new SssException(ErrorCode.INVALID_STATE, message);
    }

    /** Shortcut for a {@link ErrorCode#INVALID_REQUEST} failure. */
    public static SssException invalidRequest(String message) {
        return new SssException(ErrorCode.INVALID_REQUEST, message);
    }
}
