package org.sss.lib.error;

import jakarta.xml.bind.JAXBElement;
import org.sss.schema.ObjectFactory;
import org.sss.schema.SSSError;

/**
 * Builds {@code <error>} reply elements. Every error the suite sends has a type, a code and a message.
 */
public final class ErrorReplies {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final int MAX_MESSAGE_CHARS = 1024;

    private ErrorReplies() {
    }

    /**
     * @param code    the stable code (its type comes with it)
     * @param message a one-line explanation; truncated to 1,024 characters, control characters replaced
     * @return the element, ready to encode
     */
    public static JAXBElement<SSSError> of(ErrorCode code, String message) {
        SSSError error = new SSSError();
        error.setType(code.type());
        error.setCode(code.wireCode());
        error.setMsg(clean(message));
        return FACTORY.createError(error);
    }

    /** @return the reply for a failed request */
    public static JAXBElement<SSSError> of(SssException failure) {
        return of(failure.code(), failure.getMessage());
    }

    private static String clean(String message) {
        String text = message == null ? "" : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS) + "…";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean xmlChar = cp == 0x9 || cp >= 0x20 && cp <= 0xD7FF || cp >= 0xE000 && cp <= 0xFFFD
                    || cp >= 0x10000 && cp <= 0x10FFFF;
            out.appendCodePoint(xmlChar && cp != 0x9 ? cp : ' ');
        });
        return out.toString();
    }
}
