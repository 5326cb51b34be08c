package org.sss.lib.tool;

/** A command line {@code sssadmin} cannot carry out as written (exit 2). */
final class AdminUsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AdminUsageException(String message) {
        super(message, null, false, false);
    }
}
