package org.sss.sssjob.internal;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

/** The hardened StAX settings the command line reads XML with: no DTDs, no external entities, no coalescing tricks. */
final class Xml {
    private static final XMLInputFactory INPUT = hardened();

    private Xml() {
    }

    /** @return a shared input factory that refuses DTDs and never resolves external entities */
    static XMLInputFactory inputFactory() {
        return INPUT;
    }

    private static XMLInputFactory hardened() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return factory;
    }

    /**
     * @param e a parse failure
     * @return its message's first line, without the location prefix the JDK puts before it
     */
    static String firstLine(XMLStreamException e) {
        String message = String.valueOf(e.getMessage());
        int marker = message.indexOf("Message: ");
        if (marker >= 0) {
            message = message.substring(marker + "Message: ".length());
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
