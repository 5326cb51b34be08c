package org.sss.queuemanager.internal.pbs;

import java.util.Objects;

/**
 * A job submission the PBS parser refuses. The message is the single line to show the user, naming where the
 * problem is and what is wrong with it, for example {@code job.sh:3: #PBS -l walltime=10:61:00: minutes and seconds
 * must be below 60} for a script directive or {@code -l nodes=0: nodes must be at least 1} for a command-line option.
 */
public final class PbsException extends Exception {
    /** The directive or option at fault; empty for the script as a whole. */
    private final String field;

    /**
     * @param field   the directive or option at fault, such as {@code -N} or {@code -l walltime}; empty when the
     *                problem is the script as a whole or a token that is no option
     * @param message the one line to show the user; must not contain a line break
     */
    public PbsException(String field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.field = Objects.requireNonNull(field, "field");
    }

    /**
     * @return the directive or option at fault, such as {@code -N}, {@code -l walltime} or {@code -W depend}; empty
     *     when the problem is the script as a whole (not text, no commands) or an argument that is no option
     */
    public String field() {
        return field;
    }
}
