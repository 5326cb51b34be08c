package org.sss.queuemanager.internal.slurm;

/** An sbatch submission refused: its message is one line naming the option or {@code #SBATCH} line at fault. */
public final class SlurmParseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message the one-line reason */
    public SlurmParseException(String message) {
        super(message, null, false, false);
    }
}
