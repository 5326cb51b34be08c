package org.sss.mpd.internal.pmi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the PMI-1 "simple" wire protocol as MPICH's client speaks it: {@code cmd=NAME key=value ...},
 * tokens separated by blanks, a value ending at the first blank (so values never contain blanks), at most one
 * line of {@link PmiLimits#MAX_LINE} bytes. Immutable.
 *
 * @param cmd    the command
 * @param fields the other tokens, in order
 */
public record PmiCommand(String cmd, Map<String, String> fields) {
    /** Copies the fields. */
    public PmiCommand {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * Parses a line (without its newline).
     *
     * @param line the line
     * @return the command
     * @throws PmiProtocolException if it is too long, has no {@code cmd=} first, a token without {@code =},
     *                              a repeated key, or a key or value beyond the limits
     */
    public static PmiCommand parse(String line) throws PmiProtocolException {
        if (line.length() > PmiLimits.MAX_LINE) {
            throw new PmiProtocolException("line longer than " + PmiLimits.MAX_LINE + " bytes");
        }
        String cmd = null;
        Map<String, String> fields = new LinkedHashMap<>();
        for (String token : line.trim().split("[ \t]+")) {
            if (token.isEmpty()) {
                continue;
            }
            int equals = token.indexOf('=');
            if (equals <= 0) {
                throw new PmiProtocolException("token without key=value: " + excerpt(token));
            }
            String key = token.substring(0, equals);
            String value = token.substring(equals + 1);
            if (key.length() > PmiLimits.KEYLEN_MAX) {
                throw new PmiProtocolException("key longer than " + PmiLimits.KEYLEN_MAX + " characters");
            }
            if (value.length() > PmiLimits.VALLEN_MAX) {
                throw new PmiProtocolException("value of " + key + " longer than " + PmiLimits.VALLEN_MAX + " characters");
            }
            if (cmd == null) {
                if (!key.equals("cmd") && !key.equals("mcmd")) {
                    throw new PmiProtocolException("line does not start with cmd=");
                }
                if (value.isEmpty()) {
                    throw new PmiProtocolException("empty command");
                }
                cmd = key.equals("mcmd") ? "mcmd:" + value : value;
            } else if (fields.put(key, value) != null) {
                throw new PmiProtocolException("key " + excerpt(key) + " given twice");
            }
        }
        if (cmd == null) {
            throw new PmiProtocolException("line without cmd=");
        }
        return new PmiCommand(cmd, fields);
    }

    /**
     * @param key a field
     * @return its value
     * @throws PmiProtocolException if it is missing
     */
    public String require(String key) throws PmiProtocolException {
        String value = fields.get(key);
        if (value == null) {
            throw new PmiProtocolException(cmd + " without " + key);
        }
        return value;
    }

    /**
     * @param key a field
     * @return its integer value
     * @throws PmiProtocolException if it is missing or not an integer
     */
    public int integer(String key) throws PmiProtocolException {
        try {
            return Integer.parseInt(require(key));
        } catch (NumberFormatException e) {
            throw new PmiProtocolException(cmd + " with a non-integer " + key);
        }
    }

    /** @return a short, printable excerpt of text for error messages */
    static String excerpt(String text) {
        String head = text.length() > 32 ? text.substring(0, 32) + "..." : text;
        return head.replaceAll("[^ -~]", "?");
    }
}
