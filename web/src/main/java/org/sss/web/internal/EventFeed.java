package org.sss.web.internal;

import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.sss.lib.runtime.Events;
import org.sss.schema.EventType;

/**
 * The live event feed: every event the event manager pushes to the dashboard, kept (the last {@value #BACKLOG})
 * for pages that open later and handed to each open page's stream. A page that cannot keep up (more than
 * {@value #CLIENT_QUEUE} events behind) is dropped and reconnects; at most {@value #MAX_STREAMS} streams are open
 * at once. Thread-safe.
 */
public final class EventFeed implements AutoCloseable {
    /** Made once: looking a factory up costs more than the writing it is for. */
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();
    /** Events kept for pages that open later. */
    static final int BACKLOG = 200;
    /** Events a stream may fall behind before it is dropped. */
    static final int CLIENT_QUEUE = 1000;
    /** Streams open at once. */
    static final int MAX_STREAMS = 64;
    /** What a closed feed hands its streams (no event's XML can hold a NUL). */
    private static final String END = "\u0000";
    private final Deque<String> recent = new ArrayDeque<>();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** One page's view of the feed. */
    public final class Stream implements AutoCloseable {
        private final BlockingQueue<String> pending = new ArrayBlockingQueue<>(CLIENT_QUEUE);
        private volatile boolean dropped;

        private Stream() {
        }

        /**
         * @param millis how long to wait
         * @return the next event's XML, {@code ""} when none came in time
         * @throws InterruptedException if interrupted
         * @throws IllegalStateException when the stream was dropped or the feed closed: the page should reconnect
         */
        public String next(long millis) throws InterruptedException {
            String event = pending.poll(millis, TimeUnit.MILLISECONDS);
            if (END.equals(event) || dropped) {
                throw new IllegalStateException(dropped ? "fell too far behind" : "the dashboard is stopping");
            }
            return event == null ? "" : event;
        }

        private void offer(String event) {
            if (!pending.offer(event)) {
                dropped = true;
                pending.clear();
                pending.offer(END);
            }
        }

        /** Stops receiving events. */
        @Override
        public void close() {
            streams.remove(this);
        }
    }

    /**
     * @param event an event pushed by the event manager
     */
    public void publish(EventType event) {
        String xml = toXml(event);
        synchronized (recent) {
            recent.addLast(xml);
            while (recent.size() > BACKLOG) {
                recent.removeFirst();
            }
        }
        for (Stream stream : streams) {
            stream.offer(xml);
        }
    }

    /** @return the kept events, oldest first */
    public List<String> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** @return a new stream, or {@code null} when {@value #MAX_STREAMS} are open or the feed is closed */
    public Stream open() {
        if (closed || streams.size() >= MAX_STREAMS) {
            return null;
        }
        Stream stream = new Stream();
        streams.add(stream);
        return stream;
    }

    /** Ends every stream. */
    @Override
    public void close() {
        closed = true;
        for (Stream stream : streams) {
            stream.pending.clear();
            stream.pending.offer(END);
        }
    }

    private static String toXml(EventType event) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(text);
            xml.writeEmptyElement("event");
            if (event.getSeq() != null) {
                xml.writeAttribute("seq", event.getSeq().toString());
            }
            if (event.getTime() != null) {
                xml.writeAttribute("time", DateTimeFormatter.ISO_INSTANT.format(event.getTime()));
            }
            xml.writeAttribute("component", String.valueOf(event.getComponent()));
            xml.writeAttribute("msg", String.valueOf(event.getMsg()));
            xml.writeAttribute("data", Events.describe(event).replace('\n', ' ').replace('\r', ' '));
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("an event cannot be written as XML", e);
        }
        return text.toString();
    }
}
