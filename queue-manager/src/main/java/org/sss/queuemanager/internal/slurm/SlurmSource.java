package org.sss.queuemanager.internal.slurm;

import org.sss.queuemanager.internal.pbs.Source;

/**
 * Where sbatch options come from, the command line or one {@code #SBATCH} line, and so how a refusal reads:
 * {@code --nodes=0: node count must be at least 1}, or in a script
 * {@code job.sh:3: #SBATCH --nodes=0: node count must be at least 1}; unknown options are
 * {@code unrecognized option --foo} / {@code job.sh:3: #SBATCH --foo: unrecognized option}. Messages are one line.
 */
final class SlurmSource {
    private final String script;
    private final int line;
    private final boolean update;

    private SlurmSource(String script, int line, boolean update) {
        this.script = script;
        this.line = line;
        this.update = update;
    }

    static SlurmSource commandLine() {
        return new SlurmSource(null, 0, false);
    }

    static SlurmSource directive(String script, int line) {
        return new SlurmSource(script, line, false);
    }

    /** @return options changing a waiting job (scontrol update), read as the command line's */
    static SlurmSource update() {
        return new SlurmSource(null, 0, true);
    }

    /** @return whether the options change a waiting job rather than submit one */
    boolean isUpdate() {
        return update;
    }

    /** @return whether this is the command line (not a script line) */
    boolean isCommandLine() {
        return script == null;
    }

    /**
     * @param shown  the option and value as typed
     * @param reason what is wrong
     * @return the refusal, one line
     */
    SlurmParseException bad(String shown, String reason) {
        return new SlurmParseException(where() + Source.show(shown) + ": " + reason);
    }

    /**
     * @param option the option as typed, e.g. {@code --gres}
     * @return the refusal
     */
    SlurmParseException unknown(String option) {
        return script == null
                ? new SlurmParseException("unrecognized option " + Source.show(option))
                : new SlurmParseException(where() + Source.show(option) + ": unrecognized option");
    }

    private String where() {
        return script == null ? "" : Source.show(script) + ":" + line + ": #SBATCH ";
    }
}
