package org.sss.lib.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.SssException;
import org.sss.schema.AddEvent;
import org.sss.schema.EventOk;
import org.sss.schema.EventType;

/**
 * Publishes events to the event manager.
 *
 * <p>{@link #publish} never blocks the caller: events wait in a bounded queue (10,000; the oldest is dropped
 * and counted when it is full) and a background thread sends them in batches, in order, retrying with back-off
 * (0.1 s doubling to 5 s) while the event manager is unreachable. {@link #publishNow} sends synchronously.
 * Events are the event manager's to keep once it has acknowledged them; until then they live only in this
 * process. Thread-safe.
 */
public final class EventPublisher implements EventSink, AutoCloseable {
    /** The event manager's component name. */
    public static final String EVENT_MANAGER = "event-manager";
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final int CAPACITY = 10_000;
    private static final int BATCH = 100;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ComponentClient components;
    private final String source;
    private final LinkedBlockingDeque<EventType> queue = new LinkedBlockingDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param components how to reach the event manager
     * @param source     the publishing component's name (for logs and as the default event component)
     */
    public EventPublisher(ComponentClient components, String source) {
        this.components = components;
        this.source = source;
        this.sender = Thread.ofVirtual().name("sss-events-" + source).start(this::sendLoop);
    }

    /**
     * Queues an event.
     *
     * @param event the event, typed (built with {@link Events}); its component defaults to this publisher's
     */
    @Override
    public void publish(EventType event) {
        if (closed) {
            LOG.warn("{}: event {} not published: publisher is closed", source, event.getMsg());
            return;
        }
        while (queue.size() >= CAPACITY) {
            if (queue.pollFirst() != null) {
                long n = dropped.incrementAndGet();
                if (n == 1 || n % 1000 == 0) {
                    LOG.warn("{}: event queue full, {} events dropped so far", source, n);
                }
            }
        }
        queue.offerLast(stamped(event));
    }

    /**
     * Sends an event and waits for the event manager to log it.
     *
     * @param event the event, typed (built with {@link Events})
     * @return the event's sequence number
     * @throws SssException if the event manager refused or could not be reached
     */
    public long publishNow(EventType event) throws SssException {
        AddEvent request = new AddEvent();
        request.getEvent().add(stamped(event));
        EventOk ok = components.call(EVENT_MANAGER, request, EventOk.class);
        sent.incrementAndGet();
        return ok.getSeq() == null ? -1 : ok.getSeq();
    }

    /** Ends a retry back-off now: the event manager may have become reachable. */
    @Override
    public void wake() {
        wakeups.release();
    }

    /** @return events waiting to be sent */
    public int pending() {
        return queue.size();
    }

    /** @return events sent since start */
    public long sentCount() {
        return sent.get();
    }

    private EventType stamped(EventType event) {
        if (event.getComponent() == null) {
            event.setComponent(source);
        }
        if (event.getTime() == null) {
            event.setTime(Instant.now());
        }
        return event;
    }

    private void sendLoop() {
        MDC.put("component", source);
        long backoffMillis = 100;
        List<EventType> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    EventType first = queue.pollFirst(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                AddEvent request = new AddEvent();
                request.getEvent().addAll(batch);
                components.call(EVENT_MANAGER, request, EventOk.class);
                sent.addAndGet(batch.size());
                batch.clear();
                backoffMillis = 100;
            } catch (InterruptedException e) {
                return;
            } catch (SssException e) {
                if (closed) {
                    LOG.warn("{}: {} events not delivered at stop: {}", source, batch.size() + queue.size(), e.getMessage());
                    return;
                }
                if (backoffMillis == 100) {
                    LOG.warn("{}: cannot publish events, retrying: {}", source, e.getMessage());
                }
                try {
                    if (wakeups.tryAcquire(backoffMillis, TimeUnit.MILLISECONDS)) {
                        wakeups.drainPermits();
                        backoffMillis = 50;
                    }
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    /** Stops accepting events and waits up to 2 s for queued ones to be sent. */
    @Override
    public void close() {
        closed = true;
        wakeups.release();
        try {
            if (!sender.join(Duration.ofSeconds(2))) {
                sender.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
