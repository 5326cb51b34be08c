package org.sss.lib.error;

import org.sss.schema.ErrorType;

/**
 * A call answered with an {@code <error>} reply by the remote component.
 *
 * <p>{@link #code()} maps the wire code onto the local enum ({@link ErrorCode#UNKNOWN} for codes this
 * version does not know); {@link #wireCode()} and {@link #type()} keep what was received.
 */
public final class RemoteErrorException extends SssException {
    private static final long serialVersionUID = 1L;
    private final String wireCode;
    private final ErrorType type;

    /**
     * @param type     the received error type
     * @param wireCode the received code attribute
     * @param message  the received msg attribute
     */
    public RemoteErrorException(ErrorType type, String wireCode, String message) {
        super(ErrorCode.fromWire(wireCode), message);
        this.type = type;
        this.wireCode = wireCode;
    }

    /** @return the code attribute exactly as received */
    public String wireCode() {
        return wireCode;
    }

    /** @return the error type as received */
    public ErrorType type() {
        return type;
    }

    @Override
    public String getMessage() {
        return type.value() + "/" + wireCode + ": " + super.getMessage();
    }
}
