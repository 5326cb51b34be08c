package org.sss.queuemanager.internal.pbs;

/** When mail is sent to the job's mail users ({@code -m}); {@code -m n} is the empty set. */
public enum MailEvent {
    /** {@code a}: the job is aborted. */
    ABORT,
    /** {@code b}: the job begins execution. */
    BEGIN,
    /** {@code e}: the job ends. */
    END
}
