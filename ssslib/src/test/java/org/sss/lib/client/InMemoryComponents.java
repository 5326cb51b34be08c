package org.sss.lib.client;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.EventPublisher;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.MessageHandler;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.AddEvent;
import org.sss.schema.EventOk;
import org.sss.schema.EventType;

/**
 * Other components, reached in memory: for unit tests of one component's operations without sockets. Each call's
 * message is encoded and validated as the wire client sends it, handed as bytes to the named component's
 * {@link MessageHandler} (a real dispatcher, or a {@link #stub} the test fills) from a component principal, and the
 * reply bytes are decoded and validated as the wire client reads them: an {@code <error>} reply is thrown as the
 * wire client throws it. A component nobody serves is {@code not-registered}, as the directory says. Every exchange is
 * kept as text. Thread-safe.
 */
public final class InMemoryComponents implements ComponentCalls {
    /** Who the calls come from. */
    public static final Principal CALLER = new Principal("suite", Role.COMPONENT, null);
    private final MessageCodec codec = MessageCodec.messages();
    private final Map<String, MessageHandler> served = new ConcurrentHashMap<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    /**
     * One call as it went.
     *
     * @param component the component called
     * @param request   the request, as sent
     * @param reply     the reply, as answered
     */
    public record Exchange(String component, String request, String reply) {
    }

    /**
     * @param component a component's name
     * @param handler   what answers its messages
     * @return this
     */
    public InMemoryComponents serve(String component, MessageHandler handler) {
        served.put(component, handler);
        return this;
    }

    /**
     * @param component a component's name
     * @return a dispatcher that now answers its messages, for the test to register stub handlers on
     */
    public MessageDispatcher stub(String component) {
        MessageDispatcher dispatcher = new MessageDispatcher(codec);
        serve(component, dispatcher);
        return dispatcher;
    }

    /** @param component a component that stops answering (calls to it are not-registered from now on) */
    public void remove(String component) {
        served.remove(component);
    }

    /**
     * Answers {@code add-event} as the event manager does once it has logged the events, and keeps them.
     *
     * @return the events published from now on, in the order they arrived (a live view)
     */
    public List<EventType> recordEvents() {
        List<EventType> events = new CopyOnWriteArrayList<>();
        AtomicLong seq = new AtomicLong();
        stub(EventPublisher.EVENT_MANAGER).register("add-event", AddEvent.class, (request, context) -> {
            events.addAll(request.getEvent());
            EventOk ok = new EventOk();
            ok.setSeq(seq.addAndGet(request.getEvent().size()));
            ok.setCount(request.getEvent().size());
            return ok;
        });
        return Collections.unmodifiableList(events);
    }

    /**
     * @param component a component
     * @return the requests sent to it so far, as text, oldest first
     */
    public List<String> requestsTo(String component) {
        return exchanges.stream().filter(exchange -> exchange.component().equals(component)).map(Exchange::request)
                .toList();
    }

    /** @return every exchange so far, oldest first */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    @Override
    public <R> R call(String component, Object request, Class<R> replyType) throws SssException {
        return callPrepared(component, codec.encode(request), replyType);
    }

    @Override
    public <R> R callPrepared(String component, byte[] request, Class<R> replyType) throws SssException {
        MessageHandler handler = served.get(component);
        if (handler == null) {
            throw new SssException(ErrorCode.NOT_REGISTERED, component + " is not registered (in memory)");
        }
        byte[] reply = handler.handle(request, new RequestContext(component, CALLER, "memory"));
        exchanges.add(new Exchange(component, new String(request, StandardCharsets.UTF_8),
                new String(reply, StandardCharsets.UTF_8)));
        return Replies.value(codec, reply, replyType, component + " (in memory)");
    }
}
