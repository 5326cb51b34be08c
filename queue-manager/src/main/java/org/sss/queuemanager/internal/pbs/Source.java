package org.sss.queuemanager.internal.pbs;

/**
 * Where options come from, the command line or one {@code #PBS} line of a script, and so how a refusal reads:
 * <ul>
 *   <li>a bad value: {@code -l nodes=0: nodes must be at least 1}, or in a script
 *       {@code job.sh:3: #PBS -l nodes=0: nodes must be at least 1};</li>
 *   <li>an unknown option: {@code unknown option -Z}, or {@code job.sh:3: #PBS -Z: unknown directive};</li>
 *   <li>a missing value: {@code option -N needs a value}, or {@code job.sh:3: #PBS -N: needs a value};</li>
 *   <li>a word that is no option: {@code unexpected argument foo}, or {@code job.sh:3: #PBS foo: unexpected
 *       argument}.</li>
 * </ul>
 * Values that are empty or hold whitespace, quotes, backslashes or control characters are shown double-quoted with
 * C-style escapes, so every message is one line.
 */
public final class Source {
    private final String script;
    private final int line;

    private Source(String script, int line) {
        this.script = script;
        this.line = line;
    }

    /** @return the qsub command line */
    static Source commandLine() {
        return new Source(null, 0);
    }

    /** @return whether this is the command line, not a script's directive */
    boolean isCommandLine() {
        return script == null;
    }

    /**
     * @param script the script's name as the user knows it
     * @param line   the directive's line number, from 1
     * @return that line of that script
     */
    static Source directive(String script, int line) {
        return new Source(script, line);
    }

    /**
     * @param field  the option at fault, e.g. {@code -l walltime}
     * @param shown  what to show of the user's input, e.g. {@code -l walltime=10:61:00}, already made one line
     * @param reason what is wrong
     * @return the refusal
     */
    PbsException bad(String field, String shown, String reason) {
        return new PbsException(field, where() + shown + ": " + reason);
    }

    /**
     * @param option the unknown option, e.g. {@code -Z}
     * @return the refusal
     */
    PbsException unknown(String option) {
        String shown = show(option);
        return script == null
                ? new PbsException(option, "unknown option " + shown)
                : new PbsException(option, where() + shown + ": unknown directive");
    }

    /**
     * @param option the option that ends the list without its value, e.g. {@code -N}
     * @return the refusal
     */
    PbsException missingValue(String option) {
        return script == null
                ? new PbsException(option, "option " + option + " needs a value")
                : new PbsException(option, where() + option + ": needs a value");
    }

    /**
     * @param word the word where an option should be
     * @return the refusal
     */
    PbsException unexpected(String word) {
        return script == null
                ? new PbsException("", "unexpected argument " + show(word))
                : new PbsException("", where() + show(word) + ": unexpected argument");
    }

    private String where() {
        return script == null ? "" : show(script) + ":" + line + ": #PBS ";
    }

    /**
     * @param text any text
     * @return it as is when it is non-empty and plain; otherwise double-quoted, with {@code "}, {@code \}, control characters and
     *     whitespace other than a space escaped
     */
    public static String show(String text) {
        boolean plain = !text.isEmpty() && text.chars().noneMatch(
                c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '\'' || c == '\\');
        if (plain) {
            return text;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.isWhitespace(c) && c != ' ') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
