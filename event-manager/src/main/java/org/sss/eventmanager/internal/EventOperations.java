package org.sss.eventmanager.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.EventManagerSettings;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.RequestContext;
import org.sss.schema.AddEvent;
import org.sss.schema.EventOk;
import org.sss.schema.Events;
import org.sss.schema.GetEvents;
import org.sss.schema.GetSubscriptions;
import org.sss.schema.ObjectFactory;
import org.sss.schema.Subscribe;
import org.sss.schema.SubscriptionType;
import org.sss.schema.Subscriptions;
import org.sss.schema.Unsubscribe;

/**
 * The event manager's operations: {@code add-event}, {@code subscribe}, {@code unsubscribe},
 * {@code get-subscriptions} (components and administrators) and {@code get-events} (anyone authenticated).
 * Owns one {@link SubscriberDelivery} per subscription. Thread-safe.
 */
public final class EventOperations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventOperations.class);
    private static final int MAX_REPLAY = 1000;
    private static final ObjectFactory FACTORY = new ObjectFactory();

    private final EventLog log;
    private final EventPusher pusher;
    private final EventManagerSettings settings;
    private final NewEventSignal signal;
    private final Map<String, SubscriberDelivery> deliveries = new ConcurrentHashMap<>();

    /**
     * Starts delivery for every stored subscription.
     *
     * @param log      the event log
     * @param pusher   how pushes reach subscribers
     * @param settings retention, batch and retry settings
     * @throws SQLException if the stored subscriptions cannot be read
     */
    public EventOperations(EventLog log, EventPusher pusher, EventManagerSettings settings) throws SQLException {
        this.log = log;
        this.pusher = pusher;
        this.settings = settings;
        this.signal = new NewEventSignal(log::head);
        for (SubscriptionRecord record : log.subscriptions()) {
            deliveries.put(record.subscriber(), deliver(record));
        }
        if (!deliveries.isEmpty()) {
            LOG.info("event-manager: resumed {} subscriptions", deliveries.size());
        }
    }

    /** @param dispatcher registers the handlers on it */
    public void registerOn(MessageDispatcher dispatcher) {
        dispatcher.register("add-event", AddEvent.class, this::addEvent)
                .register("subscribe", Subscribe.class, this::subscribe)
                .register("unsubscribe", Unsubscribe.class, this::unsubscribe)
                .register("get-subscriptions", GetSubscriptions.class, this::subscriptions)
                .register("get-events", GetEvents.class, this::events);
    }

    private SubscriberDelivery deliver(SubscriptionRecord record) {
        return new SubscriberDelivery(record, log, pusher, signal, settings.pushBatch(), settings.retryMax());
    }

    EventOk addEvent(AddEvent request, RequestContext context) throws SssException {
        requirePrivileged(context, "publish events");
        long seq;
        try {
            seq = log.append(request.getEvent());
        } catch (SQLException e) {
            LOG.error("event-manager: cannot log {} events from {}: {}", request.getEvent().size(), context.peer(), e.getMessage());
            throw new SssException(ErrorCode.UNAVAILABLE, "the event log cannot be written now");
        }
        signal.signal();
        EventOk ok = new EventOk();
        ok.setSeq(seq);
        ok.setCount(request.getEvent().size());
        return ok;
    }

    Object subscribe(Subscribe request, RequestContext context) throws SssException {
        requirePrivileged(context, "subscribe to events");
        String name = request.getSubscriber();
        SubscriberDelivery previous = deliveries.get(name);
        long head = log.head();
        long acked = request.getSince() != null ? request.getSince()
                : previous != null ? previous.record().acked() : head;
        if (acked > head) {
            // A position past the log's end (its database replaced, or a subscriber's own store ahead): what is
            // logged from now on must not wait until the numbers pass it, or be skipped.
            LOG.warn("event-manager: {} subscribed from {}, past the log's end {}; from {} instead", name, acked, head,
                    head);
            acked = head;
        }
        SubscriptionRecord record = new SubscriptionRecord(name, request.getHost(), request.getPort(), acked, request.getFilter(),
                request.getDelay());
        try {
            log.saveSubscription(record);
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the subscription cannot be stored now");
        }
        synchronized (deliveries) {
            SubscriberDelivery old = deliveries.put(name, deliver(record));
            if (old != null) {
                old.close();
            }
        }
        if (previous == null) {
            LOG.info("event-manager: {} subscribed from {} to be pushed at {}:{} after seq {}", name, context.peer(),
                    request.getHost(), request.getPort(), acked);
        }
        return FACTORY.createSubscription(deliveries.get(name).describe());
    }

    Object unsubscribe(Unsubscribe request, RequestContext context) throws SssException {
        requirePrivileged(context, "unsubscribe");
        String name = request.getSubscriber();
        SubscriberDelivery delivery;
        synchronized (deliveries) {
            delivery = deliveries.remove(name);
        }
        boolean stored;
        try {
            stored = log.deleteSubscription(name);
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the subscription cannot be removed now");
        }
        if (delivery == null && !stored) {
            throw SssException.notFound("no subscription named " + name);
        }
        SubscriptionType reply = delivery != null ? delivery.describe() : new SubscriptionType();
        if (delivery != null) {
            delivery.close();
        }
        reply.setSubscriber(name);
        reply.setRemoved(true);
        LOG.info("event-manager: {} unsubscribed (from {})", name, context.peer());
        return FACTORY.createSubscription(reply);
    }

    Subscriptions subscriptions(GetSubscriptions request, RequestContext context) throws SssException {
        requirePrivileged(context, "list subscriptions");
        Subscriptions reply = new Subscriptions();
        deliveries.values().stream().map(SubscriberDelivery::describe)
                .sorted((a, b) -> a.getSubscriber().compareTo(b.getSubscriber()))
                .forEach(reply.getSubscription()::add);
        return reply;
    }

    Events events(GetEvents request, RequestContext context) throws SssException {
        int limit = Math.clamp(request.getLimit(), 1, MAX_REPLAY);
        try {
            EventLog.Page page = log.read(Math.max(0, request.getSince()), limit, request.getFilter());
            Events reply = new Events();
            page.typed().stream().filter(event -> mayRead(context, event)).forEach(reply.getEvent()::add);
            reply.setNext(page.scannedTo());
            reply.setMore(page.more());
            reply.setOldest(log.oldest());
            return reply;
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the event log cannot be read now");
        }
    }

    /**
     * A user reads the events of their own jobs and process groups only (a job's event carries its name, paths, nodes
     * and usage; the queue manager shows a user no one else's jobs either); the rest of the log (nodes, components,
     * reservations, free text) is everyone's. Components and administrators read it all.
     */
    static boolean mayRead(RequestContext context, org.sss.schema.EventType event) {
        if (context.principal().isPrivileged()) {
            return true;
        }
        String user = context.principal().user();
        if (event.getJob() != null && event.getJob().getUser() != null && !event.getJob().getUser().equals(user)) {
            return false;
        }
        return event.getProcessGroup() == null || event.getProcessGroup().getSubmitter() == null
                || event.getProcessGroup().getSubmitter().equals(user);
    }

    private static void requirePrivileged(RequestContext context, String what) throws SssException {
        if (!context.principal().isPrivileged()) {
            throw SssException.permissionDenied(context.principal() + " may not " + what);
        }
    }

    /** @return the subscriptions being delivered */
    public List<SubscriptionRecord> active() {
        return deliveries.values().stream().map(SubscriberDelivery::record).toList();
    }

    @Override
    public void close() {
        deliveries.values().forEach(SubscriberDelivery::close);
        deliveries.clear();
    }
}
