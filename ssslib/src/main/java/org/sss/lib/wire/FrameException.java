package org.sss.lib.wire;

import java.io.IOException;
import org.sss.lib.error.ErrorCode;

/**
 * A frame that breaks the {@code <decimal length><space><payload>} rule. The stream cannot be resynchronised
 * after it: the receiver replies with an error where it can and closes.
 */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    /**
     * @param code    {@link ErrorCode#BAD_FRAME} or {@link ErrorCode#MESSAGE_TOO_LARGE}
     * @param message a one-line description of what was wrong
     */
    public FrameException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** @return the error code to reply with */
    public ErrorCode code() {
        return code;
    }
}
