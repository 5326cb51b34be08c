package org.sss.lib.xml.internal;

import java.io.StringReader;
import java.net.URL;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.apache.xerces.jaxp.SAXParserFactoryImpl;
import org.apache.xerces.jaxp.validation.XMLSchemaFactory;
import org.w3c.dom.ls.LSInput;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * Builds Xerces parsers and validators that never read anything but the bytes they are given.
 *
 * <p>Parsers: namespace-aware, non-validating, DOCTYPE declarations refused, external general and parameter
 * entities and external DTDs off, secure processing on, an entity resolver that resolves nothing. Validators:
 * secure processing on and a resource resolver that resolves nothing, so {@code xsi:schemaLocation} hints
 * are never followed. Messages are in English whatever the platform locale.
 */
public final class HardenedXml {
    private static final SAXParserFactory PARSERS = parserFactory();

    private HardenedXml() {
    }

    private static SAXParserFactory parserFactory() {
        SAXParserFactory factory = new SAXParserFactoryImpl();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("Xerces refused a hardening feature: " + e, e);
        }
        return factory;
    }

    /** @return a new hardened parser; not thread-safe, may be reused for successive documents */
    public static XMLReader newReader() {
        try {
            XMLReader reader = PARSERS.newSAXParser().getXMLReader();
            reader.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            reader.setProperty("http://apache.org/xml/properties/locale", Locale.ENGLISH);
            return reader;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot create a Xerces parser: " + e, e);
        }
    }

    /**
     * @param schema a compiled grammar
     * @return a new validator for it that fetches nothing; not thread-safe, reusable
     */
    public static ValidatorHandler newValidator(Schema schema) {
        ValidatorHandler validator = schema.newValidatorHandler();
        try {
            validator.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            validator.setProperty("http://apache.org/xml/properties/locale", Locale.ENGLISH);
        } catch (SAXException e) {
            throw new IllegalStateException("Xerces refused a validator setting: " + e, e);
        }
        validator.setResourceResolver((type, namespace, publicId, systemId, baseUri) -> nothing());
        return validator;
    }

    /**
     * Compiles a grammar from the classpath; its includes resolve relative to it.
     *
     * @param url where the top-level XSD is
     * @return the compiled grammar
     */
    public static Schema compileSchema(URL url) {
        SchemaFactory factory = new XMLSchemaFactory();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return factory.newSchema(url);
        } catch (SAXException e) {
            throw new IllegalStateException("schema " + url + " does not compile: " + e.getMessage(), e);
        }
    }

    private static LSInput nothing() {
        return new EmptyInput();
    }

    /** An input with no content: what every external reference a validator asks for resolves to. */
    private static final class EmptyInput implements LSInput {
        @Override public java.io.Reader getCharacterStream() { return new StringReader(""); }
        @Override public void setCharacterStream(java.io.Reader characterStream) { }
        @Override public java.io.InputStream getByteStream() { return null; }
        @Override public void setByteStream(java.io.InputStream byteStream) { }
        @Override public String getStringData() { return ""; }
        @Override public void setStringData(String stringData) { }
        @Override public String getSystemId() { return null; }
        @Override public void setSystemId(String systemId) { }
        @Override public String getPublicId() { return null; }
        @Override public void setPublicId(String publicId) { }
        @Override public String getBaseURI() { return null; }
        @Override public void setBaseURI(String baseURI) { }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String encoding) { }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean certifiedText) { }
    }

    /**
     * True if the document's prolog (what precedes the root element) holds a DOCTYPE declaration. Only the
     * prolog is scanned, and only byte-wise, so the check is cheap; it classifies the parser's refusal.
     *
     * @param payload the raw message
     * @return whether a {@code <!DOCTYPE} occurs before the first element
     */
    public static boolean hasDoctype(byte[] payload) {
        byte[] marker = "<!DOCTYPE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < payload.length - 1; i++) {
            if (payload[i] != '<') {
                continue;
            }
            byte next = payload[i + 1];
            if (next != '?' && next != '!') {
                return false;
            }
            if (regionMatches(payload, i, marker)) {
                return true;
            }
        }
        return false;
    }

    private static boolean regionMatches(byte[] payload, int offset, byte[] marker) {
        if (offset + marker.length > payload.length) {
            return false;
        }
        for (int j = 0; j < marker.length; j++) {
            if (payload[offset + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }

    /** @return an input source over the bytes, letting the parser detect the encoding */
    public static InputSource source(byte[] payload) {
        return new InputSource(new java.io.ByteArrayInputStream(payload));
    }
}
