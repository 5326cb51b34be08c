package org.sss.servicedirectory.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.Location;
import org.sss.lib.runtime.EventSink;
import org.sss.schema.SuiteEvent;

/**
 * Removes registrations whose lease ran out, every sweep interval, logging each and publishing
 * {@code component-down}. A component killed without deregistering disappears one lease after its last renewal.
 */
public final class LeaseSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSweeper.class);
    private final LocationTable table;
    private final EventSink events;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sss-lease-sweeper").factory());

    /**
     * @param table    the registrations
     * @param events   where component-down goes
     * @param clock    the lease clock
     * @param interval how often to look
     */
    public LeaseSweeper(LocationTable table, EventSink events, Clock clock, Duration interval) {
        this.table = table;
        this.events = events;
        this.clock = clock;
        long millis = Math.max(10, interval.toMillis());
        timer.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Removes what has expired now. */
    public void sweep() {
        for (Location expired : table.expire(clock.instant())) {
            LOG.warn("service-directory: lease of {} at {}:{} expired; removed", expired.component(), expired.host(),
                    expired.port());
            events.publish(LocationOperations.registration(SuiteEvent.COMPONENT_DOWN, expired, "lease expired"));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
