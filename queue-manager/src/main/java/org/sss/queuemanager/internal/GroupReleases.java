package org.sss.queuemanager.internal;

import java.sql.SQLException;
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
 * retention applies to users' groups only). Each release is durable: the store notes the group in the transaction
 * that records its job's end, forgets it once the process manager has, and {@link #resume} names those left when the
 * queue manager stopped. Thread-safe.
 */
final class GroupReleases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReleases.class);
    private static final long FLUSH_MILLIS = 1000;
    private static final long RETRY_MILLIS = 5000;
    private static final int BATCH = 500;
    private final ProcessManagerClient processManager;
    private final JobStore store;
    private final ScheduledExecutorService timers;
    private final ConcurrentLinkedQueue<String> recorded = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param processManager the process manager
     * @param store          where releases are noted until the process manager has them
     * @param timers         where the flush runs
     */
    GroupReleases(ProcessManagerClient processManager, JobStore store, ScheduledExecutorService timers) {
        this.processManager = processManager;
        this.store = store;
        this.timers = timers;
    }

    /** Names again the releases the store has noted but the process manager never acknowledged (after a restart). */
    void resume() {
        try {
            List<String> pending = store.pendingReleases();
            if (!pending.isEmpty()) {
                LOG.info("queue-manager: {} ended group(s) still to be released at the process manager", pending.size());
                pending.forEach(this::recorded);
            }
        } catch (SQLException e) {
            LOG.error("queue-manager: cannot read the groups still to be released: {}", e.getMessage());
        }
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
                store.releasedLater(batch);
            } catch (SssException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    later(batch, e);
                    return;
                }
                if (!one(batch)) {
                    return;
                }
            }
        }
    }

    private void later(List<String> unsent, SssException why) {
        LOG.info("queue-manager: {} ended group(s) not released at the process manager yet ({}); trying again in {} s",
                unsent.size(), why.getMessage(), RETRY_MILLIS / 1000);
        recorded.addAll(unsent);
        if (!closed && scheduled.compareAndSet(false, true)) {
            timers.schedule(this::flush, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Releases groups one by one: one the process manager no longer has (forgotten already) must not stop the rest.
     *
     * @return false if the process manager could not be reached (the rest are tried again later)
     */
    private boolean one(List<String> batch) {
        for (int i = 0; i < batch.size(); i++) {
            try {
                processManager.delete(List.of(batch.get(i)));
            } catch (SssException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    if (i > 0) {
                        store.releasedLater(batch.subList(0, i));
                    }
                    later(new ArrayList<>(batch.subList(i, batch.size())), e);
                    return false;
                }
            }
        }
        store.releasedLater(batch);
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
