package org.sss.lib.xml;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import java.net.URL;
import javax.xml.validation.Schema;
import org.sss.lib.xml.internal.HardenedXml;

/**
 * A grammar and its generated classes: the compiled XSD (Xerces) and the JAXB context for the classes that
 * {@code jaxb-maven-plugin} generated from it. Both are immutable and thread-safe, and costly to build, so
 * each exists once per process.
 */
public final class XmlBinding {
    private static final String XSD_DIR = "/org/sss/schema/xsd/";
    private static volatile XmlBinding messages;
    private static volatile XmlBinding config;

    private final String name;
    private final Schema schema;
    private final JAXBContext context;

    private XmlBinding(String name, Schema schema, JAXBContext context) {
        this.name = name;
        this.schema = schema;
        this.context = context;
    }

    /** @return the suite's message grammar ({@code schemas/sss.xsd}, classes in {@code org.sss.schema}) */
    public static XmlBinding messages() {
        XmlBinding binding = messages;
        if (binding == null) {
            synchronized (XmlBinding.class) {
                if (messages == null) {
                    messages = load("sss.xsd", org.sss.schema.ObjectFactory.class);
                }
                binding = messages;
            }
        }
        return binding;
    }

    /** @return the configuration grammar ({@code schemas/config.xsd}, classes in {@code org.sss.schema.config}) */
    public static XmlBinding config() {
        XmlBinding binding = config;
        if (binding == null) {
            synchronized (XmlBinding.class) {
                if (config == null) {
                    config = load("config.xsd", org.sss.schema.config.ObjectFactory.class);
                }
                binding = config;
            }
        }
        return binding;
    }

    private static XmlBinding load(String xsd, Class<?> objectFactory) {
        URL url = XmlBinding.class.getResource(XSD_DIR + xsd);
        if (url == null) {
            throw new IllegalStateException("schema " + xsd + " is missing from the classpath (" + XSD_DIR + ")");
        }
        try {
            return new XmlBinding(xsd, HardenedXml.compileSchema(url), JAXBContext.newInstance(objectFactory));
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot build the JAXB context for " + xsd + ": " + e, e);
        }
    }

    /** @return the compiled grammar */
    public Schema schema() {
        return schema;
    }

    /** @return the JAXB context of the generated classes */
    public JAXBContext context() {
        return context;
    }

    @Override
    public String toString() {
        return "XmlBinding[" + name + "]";
    }
}
