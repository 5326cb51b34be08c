package org.sss.lib.runtime;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.store.Outbox;
import org.sss.lib.util.Batches;
import org.sss.lib.xml.EventXml;
import org.sss.schema.EventOk;

/**
 * Delivers a component's events from its {@link Outbox} to the event manager, oldest first, in batches;
 * an event leaves the outbox only once the event manager has logged it, so events survive a crash of either side
 * and arrive in the order the changes they announce were committed. After a delivery the sender waits
 * {@value #LINGER_MILLIS} ms before the next one, so that a busy component sends its events in batches (one
 * message and one commit at each end for many events) while an idle one's first event leaves at once. Failed sends
 * are retried with a back-off of 0.1 s doubling to 5 s; {@link #wake()} ends a back-off early. Thread-safe.
 */
public final class OutboxSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    private static final int BATCH = 100;
    /** The most characters of events' XML in one batch: well under the wire's smallest sane message limit. */
    static final int BATCH_CHARS = 512 * 1024;
    private static final long LINGER_MILLIS = 20;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    private final Outbox store;
    private final ComponentCalls components;
    private final String source;
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param store      where the events wait
     * @param components how to reach the event manager
     * @param source     the component the events are about (and its name in the log)
     */
    public OutboxSender(Outbox store, ComponentCalls components, String source) {
        this.store = store;
        this.components = components;
        this.source = source;
        this.sender = Thread.ofPlatform().daemon().name(source + "-events").start(this::sendLoop);
    }

    /** New events were committed, or the event manager may be back: send now. */
    public void wake() {
        wakeups.release();
    }

    private void sendLoop() {
        long backoff = 100;
        while (!closed) {
            try {
                List<Outbox.Pending> read = store.pending(BATCH);
                List<Outbox.Pending> pending = withinChars(read);
                boolean trimmed = pending.size() < read.size();
                if (pending.isEmpty()) {
                    wakeups.tryAcquire(1, TimeUnit.SECONDS);
                    wakeups.drainPermits();
                    continue;
                }
                send(pending);
                store.publishedUpTo(pending.getLast().id());
                backoff = 100;
                if (pending.size() < BATCH && !trimmed) {
                    Thread.sleep(LINGER_MILLIS);
                }
            } catch (SssException | SQLException e) {
                if (backoff == 100) {
                    LOG.warn("{}: events not delivered yet ({}); retrying", source, e.getMessage());
                }
                try {
                    wakeups.tryAcquire(backoff, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The first of the pending events whose XML stays within {@value #BATCH_CHARS} characters (at least one): a
     * batch counted only in events could outgrow the wire's largest message, be refused every time, and hold back
     * every event after it.
     */
    static List<Outbox.Pending> withinChars(List<Outbox.Pending> pending) {
        return Batches.within(pending, event -> event.xml().length(), BATCH_CHARS);
    }

    private void send(List<Outbox.Pending> pending) throws SssException {
        List<String> elements = new ArrayList<>(pending.size());
        for (Outbox.Pending event : pending) {
            elements.add(event.xml());
        }
        components.callPrepared(EventPublisher.EVENT_MANAGER, EventXml.message("<add-event>", elements, "</add-event>"),
                EventOk.class);
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
    }
}
