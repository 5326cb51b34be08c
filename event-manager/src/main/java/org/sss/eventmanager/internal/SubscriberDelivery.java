package org.sss.eventmanager.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Batches;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.xml.EventXml;
import org.sss.schema.SubscriptionType;

/**
 * Pushes one subscriber's events, in sequence order, one batch at a time: the next batch goes only after the
 * subscriber acknowledged the previous one with {@code <event-ok/>}, and at least the subscription's delay after it
 * (events published meanwhile go together). A failed push is retried with back-off
 * (0.1 s doubling to {@code retry-max}) from the same position, so nothing is skipped. Runs on its own virtual
 * thread until {@link #close()}.
 */
public final class SubscriberDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberDelivery.class);
    private static final long IDLE_WAIT_MILLIS = 1000;
    private static final long PERSIST_SCAN_EVERY = 1000;
    /** The most characters of events' XML in one push. */
    static final int PUSH_CHARS = 512 * 1024;

    private final SubscriptionRecord subscription;
    private final EventLog log;
    private final EventPusher pusher;
    private final NewEventSignal signal;
    private final int batch;
    private final Duration retryMax;
    private final Thread thread;
    private volatile long acked;
    private volatile int failures;
    private volatile String lastError;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;

    /**
     * @param subscription what to deliver, from which position
     * @param log          the event log
     * @param pusher       how pushes reach the subscriber
     * @param signal       wakes the loop when events arrive
     * @param batch        events per push
     * @param retryMax     longest back-off between failed pushes
     */
    public SubscriberDelivery(SubscriptionRecord subscription, EventLog log, EventPusher pusher, NewEventSignal signal,
                              int batch, Duration retryMax) {
        this.subscription = subscription;
        this.log = log;
        this.pusher = pusher;
        this.signal = signal;
        this.batch = batch;
        this.retryMax = retryMax;
        this.acked = subscription.acked();
        this.thread = Thread.ofVirtual().name("sss-push-" + subscription.subscriber()).start(this::loop);
    }

    /** @return the subscription as delivered now */
    public SubscriptionRecord record() {
        return new SubscriptionRecord(subscription.subscriber(), subscription.host(), subscription.port(), acked,
                subscription.filters(), subscription.delayMillis());
    }

    /** @return the subscription's state as a reply element */
    public SubscriptionType describe() {
        SubscriptionType xml = new SubscriptionType();
        xml.setSubscriber(subscription.subscriber());
        xml.setHost(subscription.host());
        xml.setPort(subscription.port());
        xml.setAcked(acked);
        if (subscription.delayMillis() > 0) {
            xml.setDelay(subscription.delayMillis());
        }
        xml.getFilter().addAll(subscription.filters());
        xml.setFailures(failures);
        xml.setLastError(lastError);
        return xml;
    }

    private void loop() {
        MDC.put("component", "event-manager");
        String endpoint = subscription.host() + ":" + subscription.port();
        Endpoint target = null;
        long backoff = 100;
        long scanned = acked;
        long persistedScan = acked;
        while (!closed) {
            try {
                EventLog.Page page = log.read(scanned, batch, subscription.filters());
                if (page.events().isEmpty()) {
                    scanned = page.scannedTo();
                    if (scanned - persistedScan >= PERSIST_SCAN_EVERY) {
                        acked = scanned;
                        log.saveAckedLater(subscription.subscriber(), scanned);
                        persistedScan = scanned;
                    }
                    signal.awaitAfter(scanned, IDLE_WAIT_MILLIS);
                    continue;
                }
                List<LoggedEvent> events = withinChars(page.events());
                long last = events.getLast().event().getSeq();
                if (target == null) {
                    target = new Endpoint(subscription.host(), subscription.port());
                }
                pusher.push(target, EventXml.message("<events subscriber=\"" + subscription.subscriber()
                        + "\" next=\"" + last + "\">", events.stream().map(LoggedEvent::xml).toList(), "</events>"));
                acked = last;
                scanned = last;
                log.saveAckedLater(subscription.subscriber(), last);
                if (failures > 0) {
                    LOG.info("event-manager: pushes to {} at {} work again after {} failures", subscription.subscriber(),
                            endpoint, failures);
                }
                failures = 0;
                lastError = null;
                backoff = 100;
                if (subscription.delayMillis() > 0 && !pause(subscription.delayMillis())) {
                    return;
                }
            } catch (SssException e) {
                failures++;
                lastError = e.getMessage();
                if (failures == 1) {
                    LOG.warn("event-manager: push to {} at {} failed, retrying: {}", subscription.subscriber(), endpoint,
                            e.getMessage());
                }
                if (!pause(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, retryMax.toMillis());
            } catch (SQLException e) {
                LOG.error("event-manager: cannot read the log for {}: {}", subscription.subscriber(), e.getMessage());
                if (!pause(retryMax.toMillis())) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures++;
                lastError = e.toString();
                if (failures == 1) {
                    LOG.error("event-manager: delivery to {} at {} failed unexpectedly, retrying: {}",
                            subscription.subscriber(), endpoint, e.toString(), e);
                }
                if (!pause(retryMax.toMillis())) {
                    return;
                }
            }
        }
    }

    /**
     * The first events whose XML stays within {@value #PUSH_CHARS} characters (at least one): a push counted only in
     * events could outgrow the wire's largest message and be refused every time, holding the subscriber there.
     */
    static List<LoggedEvent> withinChars(List<LoggedEvent> events) {
        return Batches.within(events, event -> event.xml().length(), PUSH_CHARS);
    }

    /**
     * Waits out a back-off or a subscription's delay; only {@link #close()} ends it early (new events do not: a
     * subscriber that is away stays away a while).
     *
     * @return whether delivery goes on (false once closed)
     */
    private boolean pause(long millis) {
        try {
            return !closing.await(millis, TimeUnit.MILLISECONDS) && !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops pushing; the position reached is kept in the log. */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
