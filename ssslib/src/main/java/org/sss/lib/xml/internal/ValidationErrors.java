package org.sss.lib.xml.internal;

import java.util.ArrayList;
import java.util.List;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Collects a validator's errors and stops validation once the first one is fully described.
 *
 * <p>Xerces reports a bad value as two errors at the same place: the datatype or facet error
 * ({@code cvc-datatype-valid}, {@code cvc-pattern-valid}, …), which does not name the attribute or element, then
 * one that does. This handler keeps such a first error and throws at the next, so the reported message names the
 * field; any other first error throws at once. Not thread-safe; {@link #reset} before each document.
 */
public final class ValidationErrors implements ErrorHandler {
    private static final java.util.regex.Pattern VALUE_ERROR = java.util.regex.Pattern.compile("^cvc-[A-Za-z]+-valid");
    private final List<SAXParseException> errors = new ArrayList<>(2);

    /** Forgets earlier errors. */
    public void reset() {
        errors.clear();
    }

    @Override
    public void warning(SAXParseException exception) {
        // Warnings do not make a message invalid.
    }

    @Override
    public void error(SAXParseException exception) throws SAXException {
        errors.add(exception);
        if (errors.size() > 1 || !VALUE_ERROR.matcher(exception.getMessage()).find()) {
            throw new SchemaViolationException(describe(), exception);
        }
    }

    @Override
    public void fatalError(SAXParseException exception) throws SAXException {
        error(exception);
    }

    /**
     * @throws SchemaViolationException if an error was recorded but not yet thrown
     */
    public void throwIfAny() throws SchemaViolationException {
        if (!errors.isEmpty()) {
            throw new SchemaViolationException(describe(), errors.getFirst());
        }
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        for (int i = errors.size() - 1; i >= 0; i--) {
            if (!text.isEmpty()) {
                text.append(" (");
            }
            text.append(stripKey(errors.get(i).getMessage()));
        }
        if (errors.size() > 1) {
            text.append(')');
        }
        return text.toString();
    }

    /**
     * @param message a Xerces message such as {@code cvc-attribute.3: The value …}
     * @return the message without its {@code cvc-…:} key
     */
    public static String stripKey(String message) {
        if (message != null && message.startsWith("cvc-")) {
            int colon = message.indexOf(": ");
            if (colon > 0 && colon < 40) {
                return message.substring(colon + 2);
            }
        }
        return message;
    }

    /** @return the first recorded error, or null */
    public SAXParseException first() {
        return errors.isEmpty() ? null : errors.getFirst();
    }

    /** A document does not validate against its grammar. */
    public static final class SchemaViolationException extends SAXException {
        private static final long serialVersionUID = 1L;
        private final SAXParseException location;

        /**
         * @param message  what is invalid, naming the field where Xerces does
         * @param location the first error, with its line and column
         */
        public SchemaViolationException(String message, SAXParseException location) {
            super(message);
            this.location = location;
        }

        /** @return the first error, with its line and column */
        public SAXParseException location() {
            return location;
        }
    }
}
