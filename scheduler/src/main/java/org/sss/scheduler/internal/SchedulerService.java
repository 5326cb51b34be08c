package org.sss.scheduler.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.EventSink;
import org.sss.lib.runtime.Subscriptions;
import org.sss.scheduler.SchedulerSettings;
import org.sss.scheduler.internal.plan.Plan;

/**
 * When passes run: every interval, reading every waiting and running job, and soon after an event that may change
 * the plan (the queue manager's {@code job-*}, {@code node-state-changed}, a reservation made or deleted), reading
 * only the jobs the events named. Passes run one at a time on one thread; a burst of events brings one pass; a pass
 * that held its notes on waiting jobs back brings another once they may be sent. Thread-safe.
 */
public final class SchedulerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerService.class);
    private final SchedulingPass pass;
    private final ReservationBook reservations;
    private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("scheduler-pass").factory());
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Plan last = new Plan(List.of(), java.util.Map.of());
    private volatile String lastProblem = "";

    private SchedulerService(SchedulingPass pass, ReservationBook reservations) {
        this.pass = pass;
        this.reservations = reservations;
    }

    /**
     * @param settings      the settings
     * @param components    how to reach the other components
     * @param subscriptions this component's event subscriptions
     * @param events        where its own events (reservations) go
     * @return the running service
     * @throws IOException if the reservations cannot be opened
     */
    public static SchedulerService start(SchedulerSettings settings, ComponentCalls components,
                                         Subscriptions subscriptions, EventSink events) throws IOException {
        ReservationBook reservations = ReservationBook.open(settings.database(), events);
        SchedulerService service = new SchedulerService(new SchedulingPass(components, reservations, settings.policy()), reservations);
        subscriptions.subscribe("scheduler", List.of(
                Subscriptions.filter(SchedulingPass.QUEUE_MANAGER, "job-*", null),
                Subscriptions.filter(SchedulingPass.NODE_STATE_MANAGER, "node-state-changed", null)), null,
                event -> {
                    service.pass.note(event);
                    service.wake();
                });
        long millis = settings.interval().toMillis();
        service.runner.scheduleWithFixedDelay(() -> service.runPass(true), 0, millis, TimeUnit.MILLISECONDS);
        return service;
    }

    /** Asks for a pass soon (coalesced with any already asked for). */
    public void wake() {
        if (pending.compareAndSet(false, true)) {
            runner.execute(() -> runPass(false));
        }
    }

    private void runPass(boolean full) {
        pending.set(false);
        try {
            long started = System.nanoTime();
            last = pass.run(full);
            if (LOG.isDebugEnabled()) {
                LOG.debug("scheduler: {} pass took {} us: {} started, {} waiting", full ? "full" : "event",
                        (System.nanoTime() - started) / 1_000, last.starts().size(), last.waiting().size());
            }
            if (pass.notesPending()) {
                runner.schedule(this::wake, SchedulingPass.NOTES_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!lastProblem.isEmpty()) {
                LOG.info("scheduler: passes work again");
                lastProblem = "";
            }
        } catch (SssException e) {
            if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
                LOG.warn("scheduler: pass failed: {}", e.getMessage());
                lastProblem = String.valueOf(e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("scheduler: pass failed: {}", e.toString(), e);
            lastProblem = e.toString();
        }
    }

    /** @return the last pass's plan (why each job waits) */
    public Plan lastPlan() {
        return last;
    }

    /**
     * @return the nodes as the node state manager reports them now
     * @throws SssException if it cannot be asked
     */
    public List<org.sss.scheduler.internal.plan.PlanNode> nodes() throws SssException {
        return pass.nodes();
    }

    /** @return the jobs holding nodes, with their expected ends, as the scheduler last read them */
    public List<org.sss.scheduler.internal.plan.RunningJob> running() {
        return pass.running();
    }

    /** @return the reservations */
    public ReservationBook reservations() {
        return reservations;
    }

    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reservations.close();
    }
}
