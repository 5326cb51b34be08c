package org.sss.lib.xml;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Converts between {@code xsd:dateTime} text and {@link Instant}; used by the JAXB classes generated from
 * the schemas (see {@code schemas/bindings.xjb}).
 *
 * <p>Printing always yields UTC with a {@code Z} suffix. Parsing accepts any offset, and a value without
 * an offset is read as UTC. Both methods are pure and thread-safe.
 */
public final class XmlTime {
    private XmlTime() {
    }

    /**
     * Parses an {@code xsd:dateTime}.
     *
     * @param text the lexical value, already schema-valid
     * @return the instant, or {@code null} for {@code null}
     * @throws IllegalArgumentException if the text is not a date-time
     */
    public static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        try {
            return OffsetDateTime.parse(trimmed).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return Instant.parse(trimmed + "Z");
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an xsd:dateTime: " + text, e);
            }
        }
    }

    /**
     * Prints an instant as an {@code xsd:dateTime} in UTC.
     *
     * @param instant the instant, may be {@code null}
     * @return the text, or {@code null} for {@code null}
     */
    public static String print(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
