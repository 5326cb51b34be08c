package org.sss.queuemanager.internal.slurm;

import java.util.List;
import java.util.Map;
import org.sss.queuemanager.internal.pbs.BadValueException;
import org.sss.queuemanager.internal.pbs.JobRequest;
import org.sss.queuemanager.internal.pbs.PbsException;
import org.sss.queuemanager.internal.pbs.ScriptScanner;
import org.sss.queuemanager.internal.pbs.ShellWords;

/**
 * Turns an sbatch submission, the script with its {@code #SBATCH} directives plus the options typed with it, into
 * one {@link SlurmRequest}, or refuses it with one line naming the option or script line at fault.
 *
 * <p>Directives are read as sbatch reads them: lines starting {@code #SBATCH} in column 1, until the first line that
 * is neither blank nor a comment; their text is split into words as a shell would, without expansion. Supported
 * options: {@code -N/--nodes}, {@code -n/--ntasks}, {@code --ntasks-per-node}, {@code -c/--cpus-per-task},
 * {@code -t/--time}, {@code -J/--job-name}, {@code -o/--output}, {@code -e/--error}, {@code -p/--partition},
 * {@code -a/--array}, {@code -d/--dependency}, {@code --mem}, {@code --mem-per-cpu}, {@code --export},
 * {@code -D/--chdir}, {@code -H/--hold}, {@code -A/--account}, and on the command line only {@code --wrap},
 * {@code --parsable} and {@code -W/--wait} (which the sbatch command acts on). Anything else is refused by name.
 * Defaults as sbatch's: the job is named after the script, the whole environment is exported, output goes to
 * {@code slurm-%j.out} ({@code slurm-%A_%a.out} for an array) with standard error joined to it unless {@code -e} is
 * given. Stateless.
 */
public final class SlurmParser {
    private static final String PREFIX = "#SBATCH";

    private SlurmParser() {
    }

    /**
     * @param scriptName  the script's name, for messages and the default job name
     * @param scriptText  the script
     * @param options     the sbatch options as separate words, without the script
     * @param environment the submitter's environment, for {@code --export=NAME}
     * @return the request
     * @throws SlurmParseException for the first problem: no commands in the script, a bad directive, a bad option
     */
    public static SlurmRequest parse(String scriptName, String scriptText, List<String> options,
                                     Map<String, String> environment) throws SlurmParseException {
        SlurmOptionReader reader = new SlurmOptionReader(environment);
        List<ScriptScanner.Directive> directives;
        try {
            directives = ScriptScanner.directives(scriptName, scriptText, PREFIX);
        } catch (PbsException e) {
            throw new SlurmParseException(e.getMessage());
        }
        for (ScriptScanner.Directive directive : directives) {
            SlurmSource source = SlurmSource.directive(scriptName, directive.line());
            List<String> words;
            try {
                words = ShellWords.split(directive.text());
            } catch (BadValueException e) {
                throw source.bad(directive.text().strip(), e.getMessage());
            }
            reader.read(words, source);
        }
        reader.read(options, SlurmSource.commandLine());
        return reader.request();
    }

    /**
     * @param options sbatch options changing a waiting job (scontrol update): only those a waiting job may change
     *                (time, job-name, partition, qos, dependency, begin, exclude, reservation, account, nice,
     *                mail-type, mail-user, requeue, no-requeue)
     * @return what they ask for, nothing else set
     * @throws SlurmParseException for the first bad option, or one that cannot be changed once submitted
     */
    public static JobRequest update(List<String> options) throws SlurmParseException {
        SlurmOptionReader reader = new SlurmOptionReader(Map.of());
        reader.read(options, SlurmSource.update());
        return reader.update();
    }
}
