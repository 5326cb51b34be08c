package org.sss.lib.wire;

import java.io.IOException;

/** The challenge handshake failed: a wrong key, a malformed answer, or a peer that refused ours. */
public final class AuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message a one-line reason */
    public AuthenticationException(String message) {
        super(message);
    }
}
