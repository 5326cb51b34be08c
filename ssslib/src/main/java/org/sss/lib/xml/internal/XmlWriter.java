package org.sss.lib.xml.internal;

import java.io.ByteArrayOutputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.Locator;

/**
 * The last SAX stage of encoding: writes the events as compact UTF-8 XML (no declaration, no indentation; an
 * element without content is written {@code <e/>}). Escapes {@code & < >} in text and {@code & < " \t \n \r} in
 * attribute values, so the output parses back to the same infoset. A character XML 1.0 cannot carry at all (a
 * control character other than tab, line feed and carriage return, U+FFFE, U+FFFF, a lone surrogate) is written as
 * U+FFFD, so that what is sent always parses. Namespace declarations are written where prefixes are mapped. Not
 * thread-safe; {@link #reset} before each document.
 */
public final class XmlWriter implements ContentHandler {
    private final StringBuilder text = new StringBuilder(512);
    private final StringBuilder pendingNamespaces = new StringBuilder();
    private boolean startTagOpen;

    /** Forgets the previous document. */
    public void reset() {
        text.setLength(0);
        pendingNamespaces.setLength(0);
        startTagOpen = false;
    }

    /** @return the document written since {@link #reset}, as UTF-8 */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private void closeStartTag() {
        if (startTagOpen) {
            text.append('>');
            startTagOpen = false;
        }
    }

    @Override
    public void startPrefixMapping(String prefix, String uri) {
        pendingNamespaces.append(prefix.isEmpty() ? " xmlns=\"" : " xmlns:" + prefix + "=\"");
        escapeAttribute(uri, pendingNamespaces);
        pendingNamespaces.append('"');
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
        closeStartTag();
        text.append('<').append(qName.isEmpty() ? localName : qName);
        text.append(pendingNamespaces);
        pendingNamespaces.setLength(0);
        for (int i = 0; i < atts.getLength(); i++) {
            String name = atts.getQName(i);
            text.append(' ').append(name.isEmpty() ? atts.getLocalName(i) : name).append("=\"");
            escapeAttribute(atts.getValue(i), text);
            text.append('"');
        }
        startTagOpen = true;
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        if (startTagOpen) {
            text.append("/>");
            startTagOpen = false;
        } else {
            text.append("</").append(qName.isEmpty() ? localName : qName).append('>');
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        if (length == 0) {
            return;
        }
        closeStartTag();
        for (int i = start; i < start + length; i++) {
            char c = ch[i];
            switch (c) {
                case '&' -> text.append("&amp;");
                case '<' -> text.append("&lt;");
                case '>' -> text.append("&gt;");
                case '\r' -> text.append("&#13;");
                default -> text.append(c >= 0x20 && c < 0xD800 ? c : carried(CharBuffer.wrap(ch), i, start, start + length));
            }
        }
    }

    private static final char REPLACEMENT = '\uFFFD';

    /**
     * The character at {@code i} of {@code chars[from, end)} as it is written, one outside the common range
     * (below U+0020, or from U+D800 on) being looked at here: U+FFFD in place of one XML 1.0 cannot carry (a
     * surrogate only in a whole pair).
     */
    private static char carried(CharSequence chars, int i, int from, int end) {
        char c = chars.charAt(i);
        boolean carried;
        if (c < 0x20) {
            carried = c == '\t' || c == '\n' || c == '\r';
        } else if (Character.isHighSurrogate(c)) {
            carried = i + 1 < end && Character.isLowSurrogate(chars.charAt(i + 1));
        } else if (Character.isLowSurrogate(c)) {
            carried = i > from && Character.isHighSurrogate(chars.charAt(i - 1));
        } else {
            carried = c != 0xFFFE && c != 0xFFFF;
        }
        return carried ? c : REPLACEMENT;
    }

    private static void escapeAttribute(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '"' -> out.append("&quot;");
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c >= 0x20 && c < 0xD800 ? c : carried(value, i, 0, value.length()));
            }
        }
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        characters(ch, start, length);
    }

    @Override
    public void setDocumentLocator(Locator locator) {
        // Positions are not written.
    }

    @Override
    public void startDocument() {
        reset();
    }

    @Override
    public void endDocument() {
        closeStartTag();
    }

    @Override
    public void endPrefixMapping(String prefix) {
        // Declarations are written with the element that opens their scope.
    }

    @Override
    public void processingInstruction(String target, String data) {
        closeStartTag();
        text.append("<?").append(target).append(' ').append(data).append("?>");
    }

    @Override
    public void skippedEntity(String name) {
        // Nothing is skipped when encoding objects.
    }
}
