package org.sss.web.internal;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes {@code <visitor level="none|read|user|admin" user="…" name="…" cluster="…"/>}, the page's "who am I". */
final class VisitorXml {
    /** Made once: looking a factory up costs more than the writing it is for. */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();
    private VisitorXml() {
    }

    static byte[] of(DashboardAccess.Visitor visitor, String cluster) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(text);
            xml.writeEmptyElement("visitor");
            xml.writeAttribute("level", visitor.level().name().toLowerCase(Locale.ROOT));
            if (visitor.user() != null) {
                xml.writeAttribute("user", visitor.user());
            }
            xml.writeAttribute("name", visitor.name());
            xml.writeAttribute("cluster", cluster);
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the visitor cannot be written as XML", e);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
