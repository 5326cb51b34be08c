package org.sss.lib.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.server.RequestContext;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.Role;
import org.sss.schema.EventOk;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.FilterType;
import org.sss.schema.Subscribe;
import org.sss.schema.SubscriptionType;

/**
 * The subscriber side of the event manager: asks it to push matching events to this component's endpoint, and
 * serves the pushes ({@code <events>} → {@code <event-ok/>}).
 *
 * <p>Subscriptions are renewed whenever {@link #renewAll} runs (the runtime calls it with each lease renewal, and
 * every second while one is not yet accepted), so a subscription the event manager lost, or that failed because
 * it was not yet running, comes back by itself; renewing keeps the acknowledged position. Events are passed to each listener in sequence order, a
 * push's new events together ({@link EventListener#onEvents}), and once a push is taken in, at most once per process
 * (a push the listener refused comes again whole). Thread-safe.
 */
public final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private final ComponentCalls components;
    private final String component;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile Endpoint endpoint;

    /**
     * @param components how to reach the event manager
     * @param component  the subscribing component's name, for logs
     */
    public Subscriptions(ComponentCalls components, String component) {
        this.components = components;
        this.component = component;
    }

    /** @param endpoint where this component receives pushes (known once its server listens) */
    void endpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Subscribes (or re-subscribes) under a name. If the event manager cannot be reached now, the subscription is
     * made at the next renewal.
     *
     * @param subscriber a name stable across restarts, e.g. {@code scheduler}
     * @param filters    (component, msg, data) patterns; none means every event
     * @param since      deliver events after this sequence number, or {@code null} for new events only
     * @param listener   receives the events
     * @return whether the event manager accepted the subscription now
     */
    public boolean subscribe(String subscriber, List<FilterType> filters, Long since, EventListener listener) {
        return subscribe(subscriber, filters, since, 0, listener);
    }

    /**
     * As {@link #subscribe(String, List, Long, EventListener)}, for a subscriber that needs no event at once (a
     * dashboard): the event manager pushes to it at most once per {@code delayMillis}, the events of that time
     * together.
     *
     * @param subscriber  a name stable across restarts
     * @param filters     (component, msg, data) patterns; none means every event
     * @param since       deliver events after this sequence number, or {@code null} for new events only
     * @param delayMillis the shortest time between two pushes (0 to 60,000 ms)
     * @param listener    receives the events
     * @return whether the event manager accepted the subscription now
     */
    public boolean subscribe(String subscriber, List<FilterType> filters, Long since, int delayMillis,
                             EventListener listener) {
        Entry entry = new Entry(subscriber, List.copyOf(filters), since, delayMillis, listener);
        entries.put(subscriber, entry);
        return send(entry);
    }

    /** Re-sends every subscription; failures are logged and retried at the next renewal. */
    public void renewAll() {
        entries.values().forEach(this::send);
    }

    /** @return whether the event manager has accepted every subscription */
    public boolean allConfirmed() {
        return entries.values().stream().allMatch(entry -> entry.confirmed);
    }

    /** @return whether any subscription exists */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private boolean send(Entry entry) {
        Endpoint target = endpoint;
        if (target == null) {
            return false;
        }
        Subscribe request = new Subscribe();
        request.setSubscriber(entry.subscriber);
        request.setHost(target.host());
        request.setPort(target.port());
        request.setSince(since(entry));
        request.getFilter().addAll(entry.filters);
        if (entry.delayMillis > 0) {
            request.setDelay(entry.delayMillis);
        }
        try {
            components.call(EventPublisher.EVENT_MANAGER, request, SubscriptionType.class);
            if (!entry.confirmed) {
                LOG.info("{}: subscribed to events as {} at {}", component, entry.subscriber, target);
            }
            entry.confirmed = true;
            return true;
        } catch (SssException e) {
            LOG.warn("{}: cannot subscribe to events as {} yet: {}", component, entry.subscriber, e.getMessage());
            return false;
        }
    }

    /**
     * Where a subscription is asked from: a resumable one (made with a position) from the last event this process
     * took in, at every renewal too, so that a subscription the event manager lost (an administrator's unsubscribe,
     * its database replaced) comes back where this process stands, not at the log's end; a new-events-only one from
     * the event manager's own position.
     */
    private static Long since(Entry entry) {
        if (entry.since == null) {
            return null;
        }
        return entry.confirmed ? Long.valueOf(Math.max(entry.since, entry.lastSeq.get())) : entry.since;
    }

    /**
     * Serves a push from the event manager.
     *
     * @param push    the pushed events
     * @param context who pushed
     * @return the acknowledgement
     * @throws SssException permission-denied unless a component pushed it (the event manager holds the suite's
     *                      component key: a user's push could otherwise end another user's job, or move this process's
     *                      position beyond every real event); not-found if it names no subscription of this process
     */
    public EventOk deliver(Events push, RequestContext context) throws SssException {
        if (context.principal() == null || context.principal().role() != Role.COMPONENT) {
            throw SssException.permissionDenied("only the event manager pushes events; "
                    + (context.principal() == null ? "an unknown caller" : context.principal().name()) + " may not");
        }
        Entry entry = push.getSubscriber() == null ? null : entries.get(push.getSubscriber());
        if (entry == null) {
            throw SssException.notFound("no subscription named " + push.getSubscriber() + " in " + component);
        }
        synchronized (entry) {
            List<EventType> fresh = new java.util.ArrayList<>(push.getEvent().size());
            long last = entry.lastSeq.get();
            for (EventType event : push.getEvent()) {
                long seq = event.getSeq() == null ? 0 : event.getSeq();
                if (seq != 0 && seq <= last) {
                    continue;
                }
                fresh.add(event);
                last = seq;
            }
            if (!fresh.isEmpty()) {
                entry.listener.onEvents(fresh);
                entry.lastSeq.set(last);
            }
        }
        return new EventOk();
    }

    /** One subscription of this process. */
    private static final class Entry {
        final String subscriber;
        final List<FilterType> filters;
        final Long since;
        final int delayMillis;
        final EventListener listener;
        final AtomicLong lastSeq = new AtomicLong();
        volatile boolean confirmed;

        Entry(String subscriber, List<FilterType> filters, Long since, int delayMillis, EventListener listener) {
            this.subscriber = subscriber;
            this.filters = filters;
            this.since = since;
            this.delayMillis = delayMillis;
            this.listener = listener;
        }
    }

    /**
     * @param component a component pattern, or {@code null}
     * @param msg       a msg pattern, or {@code null}
     * @param data      a data pattern, or {@code null}
     * @return a filter for {@link #subscribe}
     */
    public static FilterType filter(String component, String msg, String data) {
        FilterType filter = new FilterType();
        filter.setComponent(component);
        filter.setMsg(msg);
        filter.setData(data);
        return filter;
    }
}
