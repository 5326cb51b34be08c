package org.sss.queuemanager.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManagerClient;

/**
 * Tells the process manager which groups' ends the queue manager has recorded (durably: a job's end is committed
 * before its group is named here), so that it forgets them rather than keep every job's group for ever: one
 * {@code del-process-group-info} for the groups recorded in the last {@value #FLUSH_MILLIS} ms, whatever the rate. A
 * group named here that the process manager no longer has changes nothing; a batch that cannot be sent is kept and
 * sent again {@value #RETRY_MILLIS} ms later (the process manager keeps a component's groups until it is told: its
 * retention applies to users' groups only). Thread-safe.
 */
final class GroupReleases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReleases.class);
    private static final long FLUSH_MILLIS = 1000;
    private static final long RETRY_MILLIS = 5000;
    private static final int BATCH = 500;
    private final ProcessManagerClient processManager;
    private final ScheduledExecutorService timers;
    private final ConcurrentLinkedQueue<String> recorded = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param processManager the process manager
     * @param timers         where the flush runs
     */
    GroupReleases(ProcessManagerClient processManager, ScheduledExecutorService timers) {
        this.processManager = processManager;
        this.timers = timers;
    }

    /** @param pgid a group whose end is recorded (null: none) */
    void recorded(String pgid) {
        if (pgid == null || closed) {
            return;
        }
        recorded.add(pgid);
        if (scheduled.compareAndSet(false, true)) {
            timers.schedule(this::flush, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        scheduled.set(false);
        while (!recorded.isEmpty() && !closed) {
            List<String> batch = new ArrayList<>(BATCH);
            for (String pgid = recorded.poll(); pgid != null; pgid = batch.size() < BATCH ? recorded.poll() : null) {
                batch.add(pgid);
            }
            try {
                processManager.delete(batch);
            } catch (SssException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    LOG.info("queue-manager: {} ended group(s) not released at the process manager yet ({}); trying again"
                            + " in {} s", batch.size(), e.getMessage(), RETRY_MILLIS / 1000);
                    recorded.addAll(batch);
                    if (!closed && scheduled.compareAndSet(false, true)) {
                        timers.schedule(this::flush, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                one(batch);
            }
        }
    }

    /** Releases groups one by one: one the process manager no longer has (forgotten already) must not stop the rest. */
    private void one(List<String> batch) {
        for (String pgid : batch) {
            try {
                processManager.delete(List.of(pgid));
            } catch (SssException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
