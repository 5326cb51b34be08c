package org.sss.scheduler.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;

/**
 * The scheduler's copy of the queue manager's waiting and running jobs, so that a pass need not read the whole
 * queue: a full read ({@code job-query} of every queued, running and exiting job) when asked or when the copy may be
 * wrong, and between full reads only the jobs named by the queue manager's events since the last pass (submitted,
 * started, finished, requeued, held, released, modified), plus the queued jobs with dependencies (another job's end
 * may have met them without an event of their own), each looked up by its id. A job that has completed, or is held,
 * leaves the copy; a lookup naming a job the queue manager has forgotten turns into a full read. Events may be lost (a
 * lapsed subscription): the periodic full read repairs the copy. Events are
 * noted from any thread; reads happen on the pass's thread, one at a time.
 */
final class JobView {
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private static final Set<String> PLANNED_STATES = Set.of("queued", "running", "exiting");
    private final Map<String, JobType> jobs = new LinkedHashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private boolean stale = true;

    /**
     * Notes a queue manager event.
     *
     * @param data the event's data ({@code id=17 user=alice queue=batch …}); without an id the copy is read whole next
     */
    synchronized void noteEvent(String data) {
        String id = idOf(data);
        if (id == null) {
            stale = true;
        } else {
            changed.add(id);
        }
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
        keep(job);
    }

    /**
     * @param components how to reach the queue manager
     * @param full       whether to read every job rather than what changed
     * @return the waiting and running jobs, in the order the queue manager first listed them
     * @throws SssException if the queue manager cannot be asked (the next read is then a full one)
     */
    List<JobType> read(ComponentClient components, boolean full) throws SssException {
        List<String> lookUp = takeChanges(full);
        try {
            if (lookUp == null || !lookUp(components, lookUp)) {
                readAll(components);
            }
        } catch (SssException e) {
            invalidate();
            throw e;
        }
        synchronized (this) {
            return List.copyOf(jobs.values());
        }
    }

    /**
     * @return the ids to look up (those events named, and the queued jobs with dependencies), or null for a full
     *         read; either way the noted changes are taken
     */
    private synchronized List<String> takeChanges(boolean full) {
        List<String> ids = new ArrayList<>(changed);
        changed.clear();
        if (full || stale) {
            stale = false;
            return null;
        }
        for (JobType job : jobs.values()) {
            if ("queued".equals(job.getState().value()) && job.getDepend() != null && !ids.contains(job.getId())) {
                ids.add(job.getId());
            }
        }
        return ids;
    }

    /** @return false when an id names a job the queue manager has forgotten (a full read is then needed) */
    private boolean lookUp(ComponentClient components, List<String> ids) throws SssException {
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
                keep(job);
            }
            for (String id : ids) {
                if (!returned.contains(id) && !id.endsWith("[]")) {
                    jobs.remove(id);
                }
            }
        }
        return true;
    }

    private void readAll(ComponentClient components) throws SssException {
        List<JobType> all = components.call(SchedulingPass.QUEUE_MANAGER, FACTORY.createJobQuery(byStates()), Jobs.class)
                .getJob();
        synchronized (this) {
            jobs.clear();
            all.forEach(this::keep);
        }
    }

    private void keep(JobType job) {
        if (PLANNED_STATES.contains(job.getState().value())) {
            jobs.put(job.getId(), job);
        } else {
            jobs.remove(job.getId());
        }
    }

    /** The id of an event's data ({@code id=17 …}, an array {@code id=17[]}), or null. */
    static String idOf(String data) {
        if (data == null) {
            return null;
        }
        for (String word : data.split(" ")) {
            if (word.startsWith("id=") && word.length() > 3) {
                return word.substring(3);
            }
        }
        return null;
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
