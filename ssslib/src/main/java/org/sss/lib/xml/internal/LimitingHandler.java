package org.sss.lib.xml.internal;

import org.sss.lib.xml.XmlLimits;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.ext.Locator2;

/**
 * A SAX stage that enforces {@link XmlLimits} and passes every event on to the next stage. It throws
 * {@link LimitExceededException} at the first element that breaks a limit, so nothing deeper is processed.
 * Not thread-safe; {@link #reset} before each document.
 */
public final class LimitingHandler implements ContentHandler {
    private final XmlLimits limits;
    private final String[] path;
    private ContentHandler next;
    private Locator locator;
    private int depth;

    /** @param limits the limits to enforce */
    public LimitingHandler(XmlLimits limits) {
        this.limits = limits;
        this.path = new String[limits.maxDepth() + 1];
    }

    /** @return the local name of the element being processed, or {@code null} outside the root */
    public String currentElement() {
        return depth > 0 && depth <= limits.maxDepth() ? path[depth] : null;
    }

    /**
     * @param nextStage where events go after the checks
     */
    public void reset(ContentHandler nextStage) {
        this.next = nextStage;
        this.depth = 0;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
        if (depth == 0 && locator instanceof Locator2 declared && declared.getXMLVersion() != null
                && !"1.0".equals(declared.getXMLVersion())) {
            // XML 1.1 admits control characters (&#x1;) that XML 1.0 cannot carry: taken in, they would be passed
            // on in messages and events no one could read again.
            throw new LimitExceededException("XML " + declared.getXMLVersion() + " is refused: messages are XML 1.0");
        }
        if (++depth > limits.maxDepth()) {
            throw new LimitExceededException("element <" + localName + "> is nested deeper than " + limits.maxDepth() + " levels");
        }
        if (atts.getLength() > limits.maxAttributes()) {
            throw new LimitExceededException("element <" + localName + "> has " + atts.getLength()
                    + " attributes, more than " + limits.maxAttributes());
        }
        for (int i = 0; i < atts.getLength(); i++) {
            if (atts.getValue(i).length() > limits.maxAttributeChars()) {
                throw new LimitExceededException("attribute " + atts.getLocalName(i) + " of <" + localName + "> has "
                        + atts.getValue(i).length() + " characters, more than " + limits.maxAttributeChars());
            }
        }
        path[depth] = localName;
        next.startElement(uri, localName, qName, atts);
    }

    @Override
    public void endElement(String uri, String localName, String qName) throws SAXException {
        depth--;
        next.endElement(uri, localName, qName);
    }

    @Override
    public void setDocumentLocator(Locator locator) {
        this.locator = locator;
        next.setDocumentLocator(locator);
    }

    @Override
    public void startDocument() throws SAXException {
        next.startDocument();
    }

    @Override
    public void endDocument() throws SAXException {
        next.endDocument();
    }

    @Override
    public void startPrefixMapping(String prefix, String uri) throws SAXException {
        next.startPrefixMapping(prefix, uri);
    }

    @Override
    public void endPrefixMapping(String prefix) throws SAXException {
        next.endPrefixMapping(prefix);
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        next.characters(ch, start, length);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
        next.ignorableWhitespace(ch, start, length);
    }

    @Override
    public void processingInstruction(String target, String data) throws SAXException {
        next.processingInstruction(target, data);
    }

    @Override
    public void skippedEntity(String name) throws SAXException {
        next.skippedEntity(name);
    }

    /** A document broke one of the {@link XmlLimits}. */
    public static final class LimitExceededException extends SAXException {
        private static final long serialVersionUID = 1L;

        /** @param message what was exceeded, naming the element */
        public LimitExceededException(String message) {
            super(message);
        }
    }
}
