package org.sss.queuemanager.internal.pbs;

import java.util.List;
import java.util.Map;

/**
 * Turns a PBS job submission, the script with its {@code #PBS} directives plus the qsub options typed with it, into
 * one checked {@link JobRequest}, or refuses it with one line naming the script line or option at fault (see
 * {@link PbsException}).
 *
 * <p>Supported options: {@code -A account}, {@code -e [host:]path}, {@code -h}, {@code -j oe|eo|n},
 * {@code -l resource=value[,...]} (resources {@code nodes=N[:ppn=M]}, {@code select=N[:ncpus=M]}, {@code ncpus=M},
 * {@code walltime=[[HH:]MM:]SS}, {@code cput=[[HH:]MM:]SS}, {@code mem=SIZE}, {@code pmem=SIZE}, {@code vmem=SIZE}), {@code -m a|b|e...|n},
 * {@code -M address[,...]}, {@code -N name}, {@code -o [host:]path}, {@code -p -1024..1023}, {@code -q queue},
 * {@code -r y|n}, {@code -S /path}, {@code -t array} (or {@code -J}), {@code -a [[[[CC]YY]MM]DD]hhmm[.SS]},
 * {@code -v NAME[=value][,...]}, {@code -V} and
 * {@code -W depend=...}. {@code -I} is taken from the command line only (qsub -I's terminal script makes the job
 * interactive); anything else, {@code -X} included, is refused. Directive text is split into words as a
 * shell would ({@link ShellWords}), without expansion. Stateless.
 */
public final class PbsParser {
    private PbsParser() {
    }

    /**
     * Reads the script's directives, then the options, and lets the options win ({@link JobRequest#overriddenBy}).
     * A request without {@code -N} is named after the script's base name (see the default below); one without
     * {@code -j} gets {@link Join#NONE}. Nothing that needs server knowledge (default queue, limits) is filled in.
     *
     * @param scriptName  the script's file name or path as the user gave it, used in messages and for the default
     *                    name (its base name, whitespace replaced by {@code _}, cut to 236 characters; {@code STDIN}
     *                    if empty)
     * @param scriptText  the script
     * @param options     the qsub options as separate words, without the script path
     * @param environment the submitter's environment, for {@code -v NAME} without a value
     * @return the request
     * @throws PbsException for the first problem found: the script is not text or has no commands, then a bad
     *     directive (in line order), then a bad option
     */
    public static JobRequest parse(String scriptName, String scriptText, List<String> options,
                                   Map<String, String> environment) throws PbsException {
        OptionReader script = new OptionReader(environment);
        for (ScriptScanner.Directive directive : ScriptScanner.directives(scriptName, scriptText)) {
            Source source = Source.directive(scriptName, directive.line());
            List<String> words;
            try {
                words = ShellWords.split(directive.text());
            } catch (BadValueException e) {
                throw source.bad("", directive.text().strip(), e.getMessage());
            }
            script.read(words, source);
        }
        JobRequest defaults = new JobRequest.Builder()
                .name(Attributes.defaultName(scriptName))
                .join(Join.NONE)
                .build();
        return defaults.overriddenBy(script.request()).overriddenBy(options(options, environment));
    }

    /**
     * Reads options alone, as for modifying a queued job: the result holds only what they give, with no defaults.
     *
     * @param options     the options as separate words
     * @param environment the submitter's environment, for {@code -v NAME} without a value
     * @return what the options give
     * @throws PbsException naming the first bad option, e.g. {@code option -N needs a value}
     */
    public static JobRequest options(List<String> options, Map<String, String> environment) throws PbsException {
        OptionReader reader = new OptionReader(environment);
        reader.read(options, Source.commandLine());
        return reader.request();
    }

    /**
     * Reads options alone with an empty environment, so {@code -v NAME} without a value is left out.
     *
     * @param options the options as separate words
     * @return what the options give
     * @throws PbsException naming the first bad option
     */
    public static JobRequest options(List<String> options) throws PbsException {
        return options(options, Map.of());
    }
}
