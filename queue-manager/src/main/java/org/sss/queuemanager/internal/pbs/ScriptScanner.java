package org.sss.queuemanager.internal.pbs;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@code #PBS} directives in a job script, as qsub does: lines end with {@code \n} or {@code \r\n}; a
 * directive is a line that starts, in column 1, with {@code #PBS} followed by whitespace or the end of the line;
 * directives are read until the first line that is neither blank nor a comment (a line whose first non-blank
 * character is {@code #}, which includes a first {@code #!} line); directives after that line are ignored. An
 * indented {@code #PBS} or one run into other text ({@code #PBS-N}) is an ordinary comment. A byte order mark at the
 * start of the text is skipped. Stateless.
 */
public final class ScriptScanner {
    private static final String PREFIX = "#PBS";
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    /**
     * One directive.
     *
     * @param line its line number, from 1
     * @param text what follows {@code #PBS} on that line, without the line end
     */
    public record Directive(int line, String text) {
    }

    /** The longest directive, as long as a typed option may be (every value it sets then fits the job's record). */
    static final int MAX_DIRECTIVE_CHARS = 4096;

    private ScriptScanner() {
    }

    /**
     * @param scriptName the script's name, for messages
     * @param text       the script
     * @return its directives, in order
     * @throws PbsException {@code job.sh: not a text file} if the text holds a NUL character,
     *     {@code job.sh:3: #PBS directive longer than 4096 characters}, or
     *     {@code job.sh: the script has no commands} if every line is blank or a comment
     */
    static List<Directive> directives(String scriptName, String text) throws PbsException {
        return directives(scriptName, text, PREFIX);
    }

    /**
     * The same scan for another batch system's prefix, such as Slurm's {@code #SBATCH} (Slurm too stops at the
     * first line that is neither blank nor a comment).
     *
     * @param scriptName the script's name, for messages
     * @param text       the script
     * @param prefix     the directive prefix, such as {@code #SBATCH}
     * @return its directives, in order
     * @throws PbsException as {@link #directives(String, String)} does
     */
    public static List<Directive> directives(String scriptName, String text, String prefix) throws PbsException {
        String shownName = Source.show(scriptName);
        if (text.indexOf('\0') >= 0) {
            throw new PbsException("", shownName + ": not a text file");
        }
        List<Directive> directives = new ArrayList<>();
        String[] lines = (text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String content = line.strip();
            if (content.isEmpty()) {
                continue;
            }
            if (!content.startsWith("#")) {
                return List.copyOf(directives);
            }
            if (isDirective(line, prefix)) {
                if (line.length() - prefix.length() > MAX_DIRECTIVE_CHARS) {
                    throw new PbsException("", shownName + ":" + (i + 1) + ": " + prefix + " directive longer than "
                            + MAX_DIRECTIVE_CHARS + " characters");
                }
                directives.add(new Directive(i + 1, line.substring(prefix.length())));
            }
        }
        throw new PbsException("", shownName + ": the script has no commands");
    }

    private static boolean isDirective(String line, String prefix) {
        return line.startsWith(prefix)
                && (line.length() == prefix.length() || Character.isWhitespace(line.charAt(prefix.length())));
    }
}
