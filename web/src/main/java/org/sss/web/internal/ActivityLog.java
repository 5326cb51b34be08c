package org.sss.web.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.schema.Activity;
import org.sss.schema.EventType;
import org.sss.schema.Events;
import org.sss.schema.FilterType;
import org.sss.schema.GetEvents;
import org.sss.schema.JobType;

/**
 * What the dashboard learns from the event log: each job's events (the queue manager's {@code job-*} and the process
 * manager's {@code process-group-*} for its group), and the last day's activity — nodes busy and jobs waiting per
 * 15 minutes — from the {@code job-finished} events and the jobs the queue manager holds now. It reads the log
 * forward from where it stopped, a bounded number of pages per call, so the first call after a start catches up
 * over a few calls rather than holding one request for the whole log. Memory is bounded: the jobs of the last day,
 * at most {@value #MAX_JOBS} of them, each with at most {@value #MAX_EVENTS_PER_JOB} events. Thread-safe.
 */
public final class ActivityLog {
    static final Duration DAY = Duration.ofHours(24);
    static final Duration BUCKET = Duration.ofMinutes(15);
    private static final int MAX_JOBS = 20_000;
    private static final int MAX_EVENTS_PER_JOB = 64;
    private static final int PAGE = 1000;
    private static final int MAX_UNCLAIMED = 1000;
    private static final int PAGES_PER_CALL = 20;
    private static final String EVENT_MANAGER = "event-manager";

    private final ComponentCalls components;
    /** Each job's events, oldest job first (insertion order), by id. */
    private final LinkedHashMap<String, Deque<EventType>> byJob = new LinkedHashMap<>();
    /** Which job each process group belongs to, from the jobs' pgid. */
    private final Map<String, String> jobOfGroup = new HashMap<>();
    /** Group events seen before any event of their job named the group (a job's pgid comes with its end). */
    private final LinkedHashMap<String, List<EventType>> unclaimed = new LinkedHashMap<>();
    /** The finished jobs of the last day, by id (the last finish of each). */
    private final LinkedHashMap<String, JobType> finished = new LinkedHashMap<>();
    private long cursor;
    private Instant logFrom;

    /** @param components how to reach the event manager */
    public ActivityLog(ComponentCalls components) {
        this.components = components;
    }

    /**
     * @param id a job id
     * @return the job's events the log still holds, oldest first
     * @throws SssException if the event manager cannot be read
     */
    public synchronized Events eventsOf(String id) throws SssException {
        catchUp(Instant.now());
        Events reply = new Events();
        Deque<EventType> events = byJob.get(id);
        if (events != null) {
            reply.getEvent().addAll(events);
        }
        reply.setNext(cursor);
        return reply;
    }

    /**
     * @param current the jobs the queue manager holds now
     * @param nodes   how many nodes the cluster has
     * @param now     the end of the period
     * @return the last day's activity, in {@link #BUCKET} samples
     * @throws SssException if the event manager cannot be read
     */
    public synchronized Activity activity(List<JobType> current, int nodes, Instant now) throws SssException {
        catchUp(now);
        Map<String, JobType> jobs = new LinkedHashMap<>(finished);
        for (JobType job : current) {
            jobs.put(job.getId(), job);
        }
        long bucketSeconds = BUCKET.toSeconds();
        Instant until = Instant.ofEpochSecond((now.getEpochSecond() / bucketSeconds + 1) * bucketSeconds);
        Instant from = until.minus(DAY);
        int buckets = (int) (DAY.toSeconds() / bucketSeconds);
        double[] busy = new double[buckets];
        double[] waiting = new double[buckets];
        for (JobType job : jobs.values()) {
            Instant submitted = job.getSubmitted();
            Instant started = job.getStarted();
            Instant ended = job.getEnded() == null ? now : job.getEnded();
            if (submitted != null) {
                spread(waiting, from, submitted, started != null ? started : ended, 1);
            }
            int held = Words.list(job.getAllocated()).size();
            if (started != null && held > 0) {
                spread(busy, from, started, ended, held);
            }
        }
        Activity activity = new Activity();
        activity.setFrom(from);
        activity.setUntil(until);
        activity.setBucket((int) bucketSeconds);
        activity.setNodes(nodes);
        activity.setLogFrom(logFrom);
        for (int i = 0; i < buckets; i++) {
            Activity.Sample sample = new Activity.Sample();
            Instant start = from.plus(BUCKET.multipliedBy(i));
            // The current bucket is averaged over its part that has passed.
            double seconds = Math.max(1, Math.min(bucketSeconds, (now.toEpochMilli() - start.toEpochMilli()) / 1000.0));
            sample.setStart(start);
            sample.setBusyNodes(BigDecimal.valueOf(busy[i] / seconds).setScale(2, RoundingMode.HALF_UP));
            sample.setWaiting(BigDecimal.valueOf(waiting[i] / seconds).setScale(2, RoundingMode.HALF_UP));
            activity.getSample().add(sample);
        }
        return activity;
    }

    /** Adds weight × the seconds of [start, end) that fall in each bucket from {@code from} on. */
    private static void spread(double[] buckets, Instant from, Instant start, Instant end, int weight) {
        long bucket = BUCKET.toSeconds();
        double a = Math.max(0, (start.toEpochMilli() - from.toEpochMilli()) / 1000.0);
        double b = Math.min(buckets.length * bucket, (end.toEpochMilli() - from.toEpochMilli()) / 1000.0);
        for (double t = a; t < b; ) {
            int i = (int) (t / bucket);
            double next = Math.min(b, (i + 1) * (double) bucket);
            buckets[i] += (next - t) * weight;
            t = next;
        }
    }

    /** Reads the events logged since the last read; forgets the finished jobs that ended a day or more before now. */
    private void catchUp(Instant now) throws SssException {
        for (int page = 0; page < PAGES_PER_CALL; page++) {
            GetEvents request = new GetEvents();
            request.setSince(cursor);
            request.setLimit(PAGE);
            request.getFilter().add(filter("queue-manager", "job-*"));
            request.getFilter().add(filter("process-manager", "process-group-*"));
            Events events = components.call(EVENT_MANAGER, request, Events.class);
            for (EventType event : events.getEvent()) {
                take(event);
            }
            if (events.getNext() != null) {
                cursor = Math.max(cursor, events.getNext());
            }
            if (!Boolean.TRUE.equals(events.isMore())) {
                break;
            }
        }
        Instant horizon = now.minus(DAY);
        finished.values().removeIf(job -> job.getEnded() != null && job.getEnded().isBefore(horizon));
    }

    private void take(EventType event) {
        if (logFrom == null && event.getTime() != null) {
            logFrom = event.getTime();
        }
        String job;
        if (event.getJob() != null) {
            job = event.getJob().getId();
            String pgid = event.getJob().getPgid();
            if (pgid != null) {
                jobOfGroup.put(pgid, job);
                for (EventType earlier : unclaimed.getOrDefault(pgid, List.of())) {
                    append(job, earlier);
                }
                unclaimed.remove(pgid);
            }
            if ("job-finished".equals(event.getMsg())) {
                finished.remove(job);
                finished.put(job, event.getJob());
            }
        } else if (event.getProcessGroup() != null) {
            String pgid = event.getProcessGroup().getPgid();
            job = jobOfGroup.get(pgid);
            if (job == null) {
                unclaimed.computeIfAbsent(pgid, id -> new ArrayList<>()).add(event);
                if (unclaimed.size() > MAX_UNCLAIMED) {
                    unclaimed.remove(unclaimed.keySet().iterator().next());
                }
                return;
            }
        } else {
            return;
        }
        append(job, event);
    }

    private void append(String job, EventType event) {
        Deque<EventType> events = byJob.computeIfAbsent(job, id -> new ArrayDeque<>());
        events.addLast(event);
        if (events.size() > MAX_EVENTS_PER_JOB) {
            events.removeFirst();
        }
        if (byJob.size() > MAX_JOBS) {
            String oldest = byJob.keySet().iterator().next();
            byJob.remove(oldest);
            jobOfGroup.values().removeIf(oldest::equals);
        }
        if (finished.size() > MAX_JOBS) {
            finished.remove(finished.keySet().iterator().next());
        }
    }

    private static FilterType filter(String component, String msg) {
        FilterType filter = new FilterType();
        filter.setComponent(component);
        filter.setMsg(msg);
        return filter;
    }

    /** @return the ids whose events are held, for tests */
    synchronized List<String> jobsKnown() {
        return new ArrayList<>(byJob.keySet());
    }
}
