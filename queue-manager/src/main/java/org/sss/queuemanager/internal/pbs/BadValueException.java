package org.sss.queuemanager.internal.pbs;

import java.util.Objects;

/**
 * A value that one of the PBS value parsers ({@link Walltime}, {@link ArraySpec}, {@link Dependency},
 * {@link ShellWords}, ...) refuses. The message is only the reason, such as {@code minutes and seconds must be below
 * 60}; it names neither the option nor where the value came from, which the caller adds (see {@link PbsException}).
 */
public final class BadValueException extends Exception {
    /** @param reason what is wrong with the value, one line, starting in lower case */
    public BadValueException(String reason) {
        super(Objects.requireNonNull(reason, "reason"));
    }
}
