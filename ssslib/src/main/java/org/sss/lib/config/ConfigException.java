package org.sss.lib.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used. {@link #getMessage()} is one line naming the file, the line and
 * the field: {@code etc/sss.xml:7: <service-directory> port: the value 'abc' is not valid …}. Programs print
 * it and exit with status 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final int line;
    private final String field;
    private final String reason;

    /**
     * @param file   the configuration file
     * @param line   the line, or 0 when the problem is with the whole file
     * @param field  the element and attribute at fault, e.g. {@code <key> file}, or {@code null}
     * @param reason what is wrong
     */
    public ConfigException(Path file, int line, String field, String reason) {
        super(format(file, line, field, reason));
        this.file = file;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    private static String format(Path file, int line, String field, String reason) {
        StringBuilder text = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (field != null) {
            text.append(field).append(": ");
        }
        return text.append(reason.replace('\n', ' ')).toString();
    }

    /** @return the configuration file */
    public Path file() {
        return file;
    }

    /** @return the line, or 0 */
    public int line() {
        return line;
    }

    /** @return the element and attribute at fault, or {@code null} */
    public String field() {
        return field;
    }

    /** @return what is wrong, without the location */
    public String reason() {
        return reason;
    }
}
