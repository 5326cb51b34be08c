package org.sss.lib.xml;

import java.nio.charset.StandardCharsets;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.schema.EventType;
import org.sss.schema.Events;

/**
 * An event as text: its {@code <event …>} element, validated against the grammar when it is made (as the element of
 * an {@code <events>} message), so that it can be kept in a database (a component's outbox, the event manager's log)
 * and later put into a message as it is, without being parsed and written again: {@link #message} wraps such
 * elements into one {@code <add-event>} or {@code <events>} message. Thread-safe.
 */
public final class EventXml {
    private static final MessageCodec CODEC = MessageCodec.messages();
    private static final String OPEN = "<events>";
    private static final String CLOSE = "</events>";

    private EventXml() {
    }

    /**
     * @param event an event (its payload typed), without a sequence number
     * @return its {@code <event>} element
     * @throws SssException {@code internal-error} if it does not validate: a bug in the publisher
     */
    public static String toText(EventType event) throws SssException {
        Events holder = new Events();
        holder.getEvent().add(event);
        String text = new String(CODEC.encode(holder), StandardCharsets.UTF_8);
        if (!text.startsWith(OPEN + "<event ") || !text.endsWith(CLOSE)) {
            throw new SssException(ErrorCode.INTERNAL_ERROR, "an event encoded as " + text);
        }
        return text.substring(OPEN.length(), text.length() - CLOSE.length());
    }

    /**
     * @param text what {@link #toText} made
     * @return the event
     * @throws SssException with the codec's code if the text is not such an element
     */
    public static EventType fromText(String text) throws SssException {
        Object decoded = CODEC.decode((OPEN + text + CLOSE).getBytes(StandardCharsets.UTF_8));
        if (!(decoded instanceof Events holder) || holder.getEvent().size() != 1) {
            throw SssException.badValue("stored event is not one <event>");
        }
        return holder.getEvent().getFirst();
    }

    /**
     * @param text what {@link #toText} made
     * @param seq  the sequence number to give it
     * @return the element with its sequence number
     */
    public static String withSeq(String text, long seq) {
        return "<event seq=\"" + seq + "\" " + text.substring("<event ".length());
    }

    /**
     * A message made of elements that were each validated when {@link #toText} made them: their grammar holds for
     * the whole, so it is sent as it is.
     *
     * @param open     the message's start tag, e.g. {@code <add-event>}
     * @param elements the events' elements, in order
     * @param close    its end tag
     * @return the message's bytes
     */
    public static byte[] message(String open, Iterable<String> elements, String close) {
        StringBuilder message = new StringBuilder(open);
        for (String element : elements) {
            message.append(element);
        }
        return message.append(close).toString().getBytes(StandardCharsets.UTF_8);
    }
}
