package org.sss.queuemanager.internal;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.Events;
import org.sss.lib.store.Outbox;
import org.sss.queuemanager.QueueManager;
import org.sss.schema.SuiteEvent;

/**
 * Every job the queue manager knows, in memory and in its {@link JobStore}, and the one place where nodes are
 * allocated. A change is committed to disk before it is visible here or answered, so what a client was told is
 * what a restart finds.
 *
 * <p>Allocation is exclusive by node: {@link #start} refuses a node that a running or exiting job holds, under
 * the same lock that records the start, so no node is ever given to two jobs, whoever asks (a scheduler component,
 * an administrator, two schedulers at once). Submissions commit without that lock so that concurrent
 * submits share commits. Thread-safe.
 */
public final class JobTable {
    private final JobStore store;
    private final Object lock = new Object();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, String> nodeHolders = new HashMap<>();
    /** The process group of each job that holds nodes (running or exiting): how a group's end finds its job. */
    private final Map<String, String> groups = new HashMap<>();
    /** Queued jobs in submission order: what a start pass looks at, without walking the whole history. */
    private final NavigableMap<Order, Job> queued = new TreeMap<>();
    /** Queued and held jobs that name dependencies: what the pass that ends unrunnable jobs looks at. */
    private final NavigableMap<Order, Job> dependent = new TreeMap<>();
    /** Jobs not completed (queued, held, running, exiting): what counts and queue views walk, not the history. */
    private final NavigableMap<Order, Job> unfinished = new TreeMap<>();
    private final JobIndex index = new JobIndex();
    private final AtomicLong sequence;
    /** Which of a start's nodes lacks its job's features or GPUs (the node state manager's, as last learned). */
    private volatile NodeFeatures nodeFeatures = (nodes, features, gpus) -> null;

    /** Submission order: the job number, then the array index. */
    private record Order(long sequence, int index) implements Comparable<Order> {
        static Order of(Job job) {
            return new Order(job.sequence(), job.arrayIndex() == null ? -1 : job.arrayIndex());
        }

        @Override
        public int compareTo(Order other) {
            int bySequence = Long.compare(sequence, other.sequence);
            return bySequence != 0 ? bySequence : Integer.compare(index, other.index);
        }
    }

    /** @param check how starts are checked against the nodes' features from now on */
    public void checkFeaturesWith(NodeFeatures check) {
        nodeFeatures = check;
    }

    /**
     * @param store  where jobs are kept
     * @param loaded the jobs the store holds (from {@link JobStore#loadAll()})
     * @throws SQLException if the highest job number ever given cannot be read
     */
    public JobTable(JobStore store, List<Job> loaded) throws SQLException {
        this.store = store;
        // Completed jobs leave the table after the history period, their accounting records never: the next number
        // follows both, so that a number is never given twice (output names, accounting, events are per number).
        long highest = store.accounting().highestJobNumber();
        for (Job job : loaded) {
            put(job);
            if (job.holdsNodes()) {
                job.allocated().forEach(node -> nodeHolders.put(node, job.id()));
            }
            highest = Math.max(highest, job.sequence());
        }
        this.sequence = new AtomicLong(highest);
    }

    /** @return the next job number (never reused once a job may have had it: see {@link #giveBack}) */
    public long nextSequence() {
        return sequence.incrementAndGet();
    }

    /** @param number a number no job got (refused before anything was stored): taken back unless a later was given */
    public void giveBack(long number) {
        sequence.compareAndSet(number, number - 1);
    }

    /**
     * Commits new jobs, then makes them visible.
     *
     * @param created the jobs (one, or an array's elements), each announced by a {@code job-submitted} event
     * @throws SssException if they cannot be stored ({@code unavailable}: nothing was acknowledged)
     */
    public void add(List<Job> created) throws SssException {
        try {
            store.insert(created, created.stream().map(job -> event(SuiteEvent.JOB_SUBMITTED, job)).toList());
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the job could not be stored: " + e.getMessage(), e);
        }
        synchronized (lock) {
            created.forEach(this::put);
        }
    }

    /**
     * @param id a job id
     * @return the job
     */
    public Optional<Job> get(String id) {
        synchronized (lock) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** @return every job, in submission order */
    public List<Job> all() {
        synchronized (lock) {
            return new ArrayList<>(jobs.values());
        }
    }

    /** @return the queued jobs (not held), in submission order */
    public List<Job> queued() {
        synchronized (lock) {
            return new ArrayList<>(queued.values());
        }
    }

    /**
     * @param sequence a job number
     * @return the job of that number, or the array's elements (completed ones too, while the history keeps them)
     */
    public List<Job> numbered(long sequence) {
        synchronized (lock) {
            return index.numbered(sequence);
        }
    }

    /** @return the user's jobs of that name that have not completed, in submission order */
    public List<Job> unfinishedNamed(String user, String name) {
        synchronized (lock) {
            return index.unfinishedNamed(user, name);
        }
    }

    /** @return the jobs not completed, in submission order */
    public List<Job> unfinished() {
        synchronized (lock) {
            return new ArrayList<>(unfinished.values());
        }
    }

    /** @return the queued and held jobs that have dependencies, in submission order */
    public List<Job> waitingOnDependencies() {
        synchronized (lock) {
            return new ArrayList<>(dependent.values());
        }
    }

    /** Records a job's current version in the table and its indexes; the caller holds the lock. */
    private void put(Job job) {
        Job before = jobs.put(job.id(), job);
        index.put(before, job);
        if (before != null && before.pgid() != null) {
            groups.remove(before.pgid(), before.id());
        }
        if (job.holdsNodes() && job.pgid() != null) {
            groups.put(job.pgid(), job.id());
        }
        Order order = Order.of(job);
        if (job.state() == Job.State.QUEUED) {
            queued.put(order, job);
        } else {
            queued.remove(order);
        }
        if (job.isCompleted()) {
            unfinished.remove(order);
        } else {
            unfinished.put(order, job);
        }
        if ((job.state() == Job.State.QUEUED || job.state() == Job.State.HELD) && !job.spec().depend().isEmpty()) {
            dependent.put(order, job);
        } else {
            dependent.remove(order);
        }
    }

    /**
     * @param pgid a process group
     * @return the job running (or exiting) as that group, if any
     */
    public Optional<Job> byGroup(String pgid) {
        synchronized (lock) {
            String id = groups.get(pgid);
            return id == null ? Optional.empty() : Optional.ofNullable(jobs.get(id));
        }
    }

    /** @return the nodes held now, each with the job holding it */
    public Map<String, String> allocations() {
        synchronized (lock) {
            return Map.copyOf(nodeHolders);
        }
    }

    /**
     * Starts a job on nodes: the single point where nodes are allocated.
     *
     * @param id    the job
     * @param nodes its nodes, one name per node
     * @param pgid  the process group it will run as
     * @return the job, running
     * @throws SssException if the job is not queued, a node is held by another job or listed twice, or the start
     *                      cannot be stored
     */
    public Job start(String id, List<String> nodes, String pgid) throws SssException {
        Started result = start(List.of(new Start(id, nodes, pgid)));
        if (!result.refused().isEmpty()) {
            throw result.refused().get(id);
        }
        return result.started().getFirst();
    }

    /**
     * Starts jobs on nodes, all that can start committed in one transaction (a scheduler's pass); a start that is
     * refused leaves the others to go on.
     *
     * @param starts the starts, in order (a node or a job named by an earlier start of the batch is refused later)
     * @return the jobs started (running) and the refusals by job id
     * @throws SssException if the starts cannot be stored (then none is)
     */
    public Started start(List<Start> starts) throws SssException {
        synchronized (lock) {
            List<Job> started = new ArrayList<>();
            Map<String, SssException> refused = new LinkedHashMap<>();
            Map<String, String> claimed = new HashMap<>();
            ArrayLimitBatch arrays = new ArrayLimitBatch(this::elementsHoldingNodes);
            Instant now = Instant.now();
            for (Start start : starts) {
                try {
                    Job job = checkStart(start, now, claimed, arrays);
                    start.nodes().forEach(node -> claimed.put(node, start.id()));
                    claimed.put(" job " + start.id(), start.id());
                    arrays.started(job);
                    started.add(job.startedOn(start.nodes(), start.pgid(), now));
                } catch (SssException e) {
                    refused.put(start.id(), e);
                }
            }
            if (!started.isEmpty()) {
                persist(started, List.of());
            }
            for (Job job : started) {
                job.allocated().forEach(node -> nodeHolders.put(node, job.id()));
                put(job);
            }
            return new Started(List.copyOf(started), refused);
        }
    }

    /**
     * @param now           the batch's start time (a job's begin time is checked against it)
     * @param claimed       the nodes and jobs (keys {@code " job ID"}) the batch's earlier starts took
     * @param arrays        the limits of elements at once, over the batch
     */
    private Job checkStart(Start start, Instant now, Map<String, String> claimed, ArrayLimitBatch arrays)
            throws SssException {
        String id = start.id();
        List<String> nodes = start.nodes();
        Job job = jobs.get(id);
        if (job == null) {
            throw SssException.notFound("no job " + id);
        }
        if (claimed.containsKey(" job " + id)) {
            throw SssException.invalidRequest("job " + id + " is started twice in one batch");
        }
        if (job.state() != Job.State.QUEUED) {
            throw SssException.invalidState("job " + id + " is " + job.state().xmlName() + ", not queued");
        }
        if (job.spec().begin() != null && now.isBefore(job.spec().begin())) {
            throw SssException.invalidState("job " + id + " cannot start before " + job.spec().begin());
        }
        Dependencies.Status deps = Dependencies.of(this, job); // under the lock: a qalter cannot slip in between
        if (deps.verdict() != Dependencies.Verdict.MET) {
            throw SssException.invalidState("job " + id + " cannot start: " + deps.why());
        }
        if (nodes.size() != job.spec().nodes()) {
            throw SssException.invalidRequest("job " + id + " asks for " + job.spec().nodes() + " node(s), "
                    + nodes.size() + " given");
        }
        if (nodes.stream().distinct().count() != nodes.size()) {
            throw SssException.invalidRequest("a node is listed twice: " + String.join(" ", nodes));
        }
        String refusal = job.spec().nodeChoice().refusal(nodes, nodeFeatures);
        if (refusal != null) {
            throw SssException.invalidRequest("job " + id + " cannot start on " + String.join(" ", nodes) + ": "
                    + refusal);
        }
        for (String node : nodes) {
            String holder = nodeHolders.getOrDefault(node, claimed.get(node));
            if (holder != null) {
                throw SssException.invalidState("node " + node + " is allocated to job " + holder);
            }
        }
        arrays.check(job);
        return job;
    }

    /** @return how many elements of the array with this number hold nodes now (running or exiting) */
    private int elementsHoldingNodes(long sequence) {
        int count = 0;
        for (Job element : unfinished.subMap(new Order(sequence, Integer.MIN_VALUE), true,
                new Order(sequence, Integer.MAX_VALUE), true).values()) {
            if (element.holdsNodes()) {
                count++;
            }
        }
        return count;
    }

    /**
     * One start of a batch.
     *
     * @param id    the job
     * @param nodes its nodes, one name per node
     * @param pgid  the process group it will run as
     */
    public record Start(String id, List<String> nodes, String pgid) {
    }

    /**
     * What a batch of starts did.
     *
     * @param started the jobs started, running, in the batch's order
     * @param refused why each refused start was refused, by job id
     */
    public record Started(List<Job> started, Map<String, SssException> refused) {
    }

    /**
     * Changes a job if it is in a state the change expects, and commits it (with its event) before it is visible.
     *
     * @param id     the job
     * @param change the new job from the current one; returning the same instance means no change
     * @param event  the event announcing the changed job (it carries the job), or null for none
     * @return the job after the change
     * @throws SssException if it is unknown, the change refuses ({@code SssException} from the change) or it cannot
     *                      be stored
     */
    public Job change(String id, Change change, java.util.function.Function<Job, SuiteEvent> event) throws SssException {
        return changeAll(List.of(new Update(id, change, event))).getFirst();
    }

    /**
     * Changes jobs as {@link #change} does each, all committed in one transaction (with their events) before any is
     * visible; a job named twice gets the second change on top of the first.
     *
     * @param updates the changes, in order
     * @return each job after its change, in the updates' order
     * @throws SssException if a job is unknown or a change refuses (then nothing is changed), or they cannot be stored
     */
    public List<Job> changeAll(List<Update> updates) throws SssException {
        synchronized (lock) {
            Map<String, Job> before = new LinkedHashMap<>();
            Map<String, Job> after = new LinkedHashMap<>();
            List<Outbox.Event> announced = new ArrayList<>();
            List<Job> results = new ArrayList<>(updates.size());
            for (Update update : updates) {
                Job job = after.containsKey(update.id()) ? after.get(update.id()) : jobs.get(update.id());
                if (job == null) {
                    throw SssException.notFound("no job " + update.id());
                }
                Job changed = update.change().apply(job);
                results.add(changed);
                if (changed == job) {
                    continue;
                }
                before.putIfAbsent(update.id(), job);
                after.put(update.id(), changed);
                SuiteEvent name = update.event().apply(changed);
                if (name != null) {
                    announced.add(event(name, changed));
                }
            }
            if (after.isEmpty()) {
                return results;
            }
            persist(after.values(), announced);
            for (Job changed : after.values()) {
                Job job = before.get(changed.id());
                if (job.holdsNodes() && !changed.holdsNodes()) {
                    job.allocated().forEach(node -> nodeHolders.remove(node, changed.id()));
                }
                put(changed);
            }
            return results;
        }
    }

    /**
     * One change of a batch.
     *
     * @param id     the job
     * @param change the new job from the current one (the same instance: no change)
     * @param event  the event announcing the changed job, or null for none
     */
    public record Update(String id, Change change, java.util.function.Function<Job, SuiteEvent> event) {
    }

    /**
     * Forgets completed jobs.
     *
     * @param ids the jobs
     * @throws SssException if they cannot be removed
     */
    public void forget(List<String> ids) throws SssException {
        if (ids.isEmpty()) {
            return;
        }
        try {
            store.delete(ids);
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "history could not be pruned: " + e.getMessage(), e);
        }
        synchronized (lock) {
            for (String id : ids) {
                Job removed = jobs.remove(id);
                if (removed != null) {
                    index.remove(removed);
                    if (removed.pgid() != null) {
                        groups.remove(removed.pgid(), id);
                    }
                    queued.remove(Order.of(removed));
                    dependent.remove(Order.of(removed));
                    unfinished.remove(Order.of(removed));
                }
            }
        }
    }

    private void persist(java.util.Collection<Job> changed, List<Outbox.Event> events) throws SssException {
        try {
            store.update(changed, events);
        } catch (SQLException e) {
            throw new SssException(ErrorCode.UNAVAILABLE, "the change could not be stored: " + e.getMessage(), e);
        }
    }

    /**
     * @param name the event
     * @param job  the job it announces
     * @return the event, carrying the job as a query reports it
     */
    static Outbox.Event event(SuiteEvent name, Job job) {
        return new Outbox.Event(Events.job(name, QueueManager.NAME, JobReplies.of(job)));
    }

    /** A change of one job, which may refuse. */
    @FunctionalInterface
    public interface Change {
        /**
         * @param job the job now
         * @return the job after the change, or {@code job} itself for no change
         * @throws SssException if the change does not fit the job's state
         */
        Job apply(Job job) throws SssException;

        /**
         * @param operator a change that always applies
         * @return it as a change
         */
        static Change always(UnaryOperator<Job> operator) {
            return operator::apply;
        }
    }
}
