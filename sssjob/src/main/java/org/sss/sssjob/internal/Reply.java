package org.sss.sssjob.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The queue manager's reply to one request: either its items ({@code <jobs><job …/>…</jobs>} or
 * {@code <queues><queue …/>…</queues>}, each item's attributes in document order) or an {@code <error type code
 * msg/>}.
 *
 * @param root  the reply's root element name
 * @param items the children's attributes
 * @param kinds the children's element names, one for each item
 * @param error the error, or {@code null}
 * @param text  the reply as received (UTF-8), for {@code --xml}
 * @param more  whether a page of a paged query has more after it (its root's {@code more="true"})
 */
public record Reply(String root, List<Map<String, String>> items, List<String> kinds, Error error, String text,
                    boolean more) {
    private static final int MAX_DEPTH = 8;

    /**
     * An error reply.
     *
     * @param type    Validation, Semantic or Data
     * @param code    the stable code (bad-value, not-found, permission-denied, …)
     * @param message the human message
     */
    public record Error(String type, String code, String message) {
    }

    /** Copies the list. */
    public Reply {
        items = List.copyOf(items);
        kinds = List.copyOf(kinds);
    }

    /**
     * @param payload a reply frame's bytes
     * @return the reply
     * @throws CliException (exit 1) if it is not a reply this command understands
     */
    public static Reply parse(byte[] payload) throws CliException {
        try {
            XMLStreamReader reader = Xml.inputFactory().createXMLStreamReader(new ByteArrayInputStream(payload));
            try {
                return read(reader, new String(payload, StandardCharsets.UTF_8));
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager's reply is not XML: " + Xml.firstLine(e));
        }
    }

    private static Reply read(XMLStreamReader reader, String text) throws XMLStreamException, CliException {
        String root = null;
        Error error = null;
        boolean more = false;
        List<Map<String, String>> items = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        int depth = 0;
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.DTD) {
                throw new CliException(ExitStatus.REFUSED, "the queue manager's reply has a DOCTYPE");
            }
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                if (depth > MAX_DEPTH) {
                    throw new CliException(ExitStatus.REFUSED, "the queue manager's reply is nested too deeply");
                }
                if (depth == 1) {
                    root = reader.getLocalName();
                    more = "true".equals(reader.getAttributeValue(null, "more"));
                    if (root.equals("error")) {
                        error = new Error(valueOf(reader, "type"), valueOf(reader, "code"), valueOf(reader, "msg"));
                    }
                } else if (depth == 2) {
                    items.add(attributes(reader));
                    kinds.add(reader.getLocalName());
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        if (root == null) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager sent an empty reply");
        }
        return new Reply(root, items, kinds, error, text, more);
    }

    private static Map<String, String> attributes(XMLStreamReader reader) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
        }
        return attributes;
    }

    private static String valueOf(XMLStreamReader reader, String name) {
        String value = reader.getAttributeValue(null, name);
        return value == null ? "" : value;
    }

    /**
     * @param root the element a successful reply must have
     * @return this reply's items
     * @throws CliException if it is an error (exit 2 for bad-value, invalid-request and validation errors; 1 for
     *                      the rest) or another element
     */
    public List<Map<String, String>> itemsOf(String root) throws CliException {
        if (error != null) {
            throw new CliException(statusOf(error), error.message().isBlank() ? error.code() : error.message());
        }
        if (!root.equals(this.root)) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager answered <" + this.root + "> where <" + root
                    + "> was expected");
        }
        return items;
    }

    /**
     * @param root the element a successful reply must have
     * @param kind the element name of the items wanted ({@code queue} of {@code <queues>}, not its {@code qos})
     * @return this reply's items of that name
     * @throws CliException as {@link #itemsOf(String)}
     */
    public List<Map<String, String>> itemsOf(String root, String kind) throws CliException {
        List<Map<String, String>> all = itemsOf(root);
        List<Map<String, String>> wanted = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (kinds.get(i).equals(kind)) {
                wanted.add(all.get(i));
            }
        }
        return wanted;
    }

    private static int statusOf(Error error) {
        return switch (error.code()) {
            case "bad-value", "invalid-request", "schema-invalid", "not-well-formed", "xml-limit-exceeded",
                 "message-too-large" -> ExitStatus.USAGE;
            case "unavailable", "timed-out" -> ExitStatus.UNREACHABLE;
            default -> ExitStatus.REFUSED;
        };
    }
}
