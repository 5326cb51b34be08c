package org.sss.web.internal;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes {@code <visitor level="none|read|user|admin" user="…" name="…" cluster="…"/>}, the page's "who am I". */
final class VisitorXml {
    private VisitorXml() {
    }

    static byte[] of(DashboardAccess.Visitor visitor, String cluster) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
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
