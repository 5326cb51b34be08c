package org.sss.scheduler.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.util.BoundedMap;
import org.sss.lib.util.Words;
import org.sss.schema.EventType;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;

/**
 * The scheduler's copy of the queue manager's waiting and running jobs, so that a pass need not read the queue: a
 * full read ({@code job-query} of every queued, running and exiting job) when asked or when the copy may be wrong;
 * between full reads the queue manager's events, which carry each job as a query reports it (submitted, finished,
 * requeued, held, released, modified), are applied as they come, and the starts this scheduler made as their replies
 * say. Only the queued jobs with dependencies are looked up at each pass (another job's end may have met them without
 * an event of their own), and any job an event named without carrying it. An event never takes a job back to an
 * earlier point of its life than the copy has ({@link #later}: a full read may have seen the job start before the
 * event of its submission arrived). A job that has completed, or is held, leaves the copy; a lookup naming a job the
 * queue manager has forgotten turns into a full read. Events may be lost (a lapsed subscription): the periodic full
 * read repairs the copy. The start of a run whose end the copy has already taken in is ignored, whichever way it
 * comes. Events are noted from any thread; reads happen on the pass's thread, one at a time.
 */
final class JobView {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final Set<String> PLANNED_STATES = Set.of("queued", "running", "exiting");
    private static final int ENDED_KEPT = 4096;
    private final Map<String, JobType> jobs = new LinkedHashMap<>();
    /** The running and exiting jobs of {@link #jobs}: what holds nodes. */
    private final Map<String, JobType> holding = new LinkedHashMap<>();
    /** The queued jobs of {@link #jobs} with dependencies: what each pass looks up. */
    private final Set<String> dependent = new LinkedHashSet<>();
    /**
     * Jobs whose end the copy has taken in, with the run that ended: the reply to a start can arrive after the end
     * of the run it started (a short job, the queue manager's event first), and must not bring that run back to hold
     * its nodes until the next full read. The most recent {@value #ENDED_KEPT} are kept.
     */
    private final Map<String, Integer> ended = new BoundedMap<>(ENDED_KEPT);
    private boolean stale = true;
    /** Whether a full read is on its way: what events and replies bring meanwhile is applied again after it. */
    private boolean reading;
    private final List<JobType> arrivedWhileReading = new ArrayList<>();

    /**
     * Takes in a queue manager event.
     *
     * @param event the event: its job is applied to the copy; one without a job is read whole at the next pass
     */
    synchronized void noteEvent(EventType event) {
        JobType job = event.getJob();
        if (job == null) {
            stale = true;
            return;
        }
        take(job);
    }

    /**
     * @param held   the copy's job
     * @param coming an event's job
     * @return whether the copy's job is further in its life than the event's (see {@link #position})
     */
    static boolean later(JobType held, JobType coming) {
        return position(held) > position(coming);
    }

    /**
     * Where a job is in its life, from its state and {@code runs} (how many times it was started, counted at each
     * start and kept by a requeue): waiting after r starts is 2r, the r-th run 2r − 1, ended after r starts 2r + 1.
     * So a requeue (waiting, r) comes after the run it ended (running, r), and a start after the wait before it.
     */
    static int position(JobType job) {
        int runs = runs(job);
        return switch (stage(job)) {
            case 0 -> 2 * runs;
            case 1 -> 2 * runs - 1;
            default -> 2 * runs + 1;
        };
    }

    private static int runs(JobType job) {
        return job.getRuns() == null ? 0 : job.getRuns();
    }

    private static int stage(JobType job) {
        return switch (job.getState().value()) {
            case "queued", "held" -> 0;
            case "running", "exiting" -> 1;
            default -> 2;
        };
    }

    /** @return the jobs the copy holds now, without reading anything */
    synchronized List<JobType> held() {
        return List.copyOf(jobs.values());
    }

    /** Makes the next read a full one. */
    synchronized void invalidate() {
        stale = true;
    }

    /**
     * Records a job this scheduler has just started, as the queue manager's reply to its start describes it.
     *
     * @param job the job after its start
     */
    synchronized void started(JobType job) {
        take(job);
    }

    /** Keeps a job unless the copy already has it further in its life (an event overtook the reply). */
    private void take(JobType job) {
        if (reading) {
            arrivedWhileReading.add(job);
        }
        JobType known = jobs.get(job.getId());
        if (known == null || !later(known, job)) {
            keep(job);
        }
    }

    /**
     * @param components how to reach the queue manager
     * @param full       whether to read every job rather than only the queued ones with dependencies
     * @return the waiting and running jobs, in the order the queue manager first listed them
     * @throws SssException if the queue manager cannot be asked (the next read is then a full one)
     */
    List<JobType> read(ComponentCalls components, boolean full) throws SssException {
        refresh(components, full);
        return held();
    }

    /**
     * Brings the copy up to date: a full read, or the lookups of the queued jobs with dependencies.
     *
     * @param components how to reach the queue manager
     * @param full       whether to read every job rather than only the queued ones with dependencies
     * @throws SssException if the queue manager cannot be asked (the next read is then a full one)
     */
    void refresh(ComponentCalls components, boolean full) throws SssException {
        List<String> lookUp = takeChanges(full);
        try {
            if (lookUp == null || !lookUp(components, lookUp)) {
                readAll(components);
            }
        } catch (SssException e) {
            invalidate();
            throw e;
        }
    }

    /** @return the ids to look up (the queued jobs with dependencies), or null for a full read */
    private synchronized List<String> takeChanges(boolean full) {
        List<String> ids = new ArrayList<>();
        if (full || stale) {
            stale = false;
            return null;
        }
        ids.addAll(dependent);
        return ids;
    }

    /** @return false when an id names a job the queue manager has forgotten (a full read is then needed) */
    private boolean lookUp(ComponentCalls components, List<String> ids) throws SssException {
        if (ids.isEmpty()) {
            return true;
        }
        List<JobType> fresh;
        try {
            fresh = components.call(SchedulingPass.QUEUE_MANAGER, FACTORY.createJobQuery(byIds(ids)), Jobs.class).getJob();
        } catch (SssException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
        synchronized (this) {
            Set<String> returned = new LinkedHashSet<>();
            for (JobType job : fresh) {
                returned.add(job.getId());
                take(job);
            }
            for (String id : ids) {
                if (!returned.contains(id) && !id.endsWith("[]")) {
                    forget(id);
                }
            }
        }
        return true;
    }

    private void readAll(ComponentCalls components) throws SssException {
        synchronized (this) {
            reading = true;
            arrivedWhileReading.clear();
        }
        List<JobType> all;
        try {
            // In pages: one reply of a large queue would be larger than a message may be, and a read that failed
            // every time would stop all scheduling.
            all = org.sss.lib.client.JobPages.all(components, SchedulingPass.QUEUE_MANAGER, byStates());
        } finally {
            synchronized (this) {
                reading = false;
            }
        }
        synchronized (this) {
            jobs.clear();
            holding.clear();
            dependent.clear();
            all.forEach(this::keep);
            List<JobType> newer = List.copyOf(arrivedWhileReading);
            arrivedWhileReading.clear();
            newer.forEach(this::take);
        }
    }

    private void keep(JobType job) {
        String state = job.getState().value();
        if (stage(job) == 1 && runs(job) <= ended.getOrDefault(job.getId(), -1)) {
            return;
        }
        if (!PLANNED_STATES.contains(state)) {
            forget(job.getId());
            if (stage(job) == 2) {
                ended.put(job.getId(), runs(job));
            }
            return;
        }
        jobs.put(job.getId(), job);
        if ("queued".equals(state)) {
            holding.remove(job.getId());
            if (job.getDepend() != null && !job.getDepend().isEmpty()) {
                if (job.isDependenciesMet() == null) {
                    job.setDependenciesMet(Boolean.FALSE); // an event's job says not: it waits for its lookup
                }
                dependent.add(job.getId());
            } else {
                dependent.remove(job.getId());
            }
        } else {
            holding.put(job.getId(), job);
            dependent.remove(job.getId());
        }
    }

    private void forget(String id) {
        jobs.remove(id);
        holding.remove(id);
        dependent.remove(id);
    }

    /** @return the nodes the running and exiting jobs of the copy hold, without reading anything */
    synchronized Set<String> heldNodes() {
        Set<String> nodes = new java.util.HashSet<>();
        for (JobType job : holding.values()) {
            nodes.addAll(Words.list(job.getAllocated()));
        }
        return nodes;
    }

    private static JobListType byStates() {
        JobListType list = new JobListType();
        for (String state : PLANNED_STATES) {
            JobRestrictionType restriction = new JobRestrictionType();
            restriction.setId("*");
            restriction.setState(state);
            list.getJob().add(restriction);
        }
        return list;
    }

    /** A lookup of jobs by id (one that names no job any more, forgotten from the history, fails it: see {@link #read}). */
    private static JobListType byIds(List<String> ids) {
        JobListType list = new JobListType();
        for (String id : ids) {
            JobRestrictionType restriction = new JobRestrictionType();
            restriction.setId(id);
            list.getJob().add(restriction);
        }
        return list;
    }
}
