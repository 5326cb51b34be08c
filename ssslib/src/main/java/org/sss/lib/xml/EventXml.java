package org.sss.lib.xml;

import java.nio.charset.StandardCharsets;
import org.sss.lib.error.SssException;
import org.sss.schema.EventType;
import org.sss.schema.Events;

/**
 * An event as text, for keeping it in a database (a component's outbox, the event manager's log) until it is sent:
 * an {@code <events>} message holding the one event, encoded and decoded by the suite's codec, so that what is read
 * back has been validated like any message. Thread-safe.
 */
public final class EventXml {
    private static final MessageCodec CODEC = MessageCodec.messages();

    private EventXml() {
    }

    /**
     * @param event an event (its payload typed)
     * @return the text to keep
     * @throws SssException {@code internal-error} if it does not validate: a bug in the publisher
     */
    public static String toText(EventType event) throws SssException {
        Events holder = new Events();
        holder.getEvent().add(event);
        return new String(CODEC.encode(holder), StandardCharsets.UTF_8);
    }

    /**
     * @param text what {@link #toText} made
     * @return the event
     * @throws SssException with the codec's code if the text is not such a message
     */
    public static EventType fromText(String text) throws SssException {
        Object decoded = CODEC.decode(text.getBytes(StandardCharsets.UTF_8));
        if (!(decoded instanceof Events holder) || holder.getEvent().size() != 1) {
            throw SssException.badValue("stored event is not one <event> in <events>");
        }
        return holder.getEvent().getFirst();
    }
}
