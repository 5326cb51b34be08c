package org.sss.scheduler.internal.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.sss.scheduler.SchedulingPolicy;

/**
 * One scheduling pass, by one of two policies ({@link SchedulingPolicy}), over nodes allocated whole (as the queue manager
 * allocates them): priority FIFO with EASY backfill and advance reservations (the default), or first-fit.
 *
 * <p>Jobs are taken by priority (higher first), then submission time, then id. Each starts now on the first usable
 * free nodes with enough slots that no reservation keeps it off, until one cannot: that job is the <em>head</em>.
 * The head gets a reservation of its own: the earliest time its nodes will be free (from the running jobs' walltimes
 * and the reservations' windows) and the nodes it will take then, chosen among those busy now where possible. Every
 * later job may then start now only if it leaves the head's start intact: it ends (by its walltime) before the
 * head's start, or it takes none of the head's nodes. A job without a walltime can only take nodes the head does not
 * need. When the head's start cannot be known (the nodes it needs are held by jobs without walltimes), nothing jumps
 * ahead of it but a job on nodes a reservation keeps from the head for that job's whole run (a reservation's users on
 * their own idle nodes). Nodes that are not usable (down, drained, offline) are never given out; a reservation's nodes go to its users
 * only while its window is open, and a job whose run would overlap the window is kept off them. A job that names nodes
 * is given every node it requires, none it excludes, and only nodes with the features and GPUs it asks for; one whose
 * required node is not usable, or whose start cannot be known (the nodes it may have are held by jobs without
 * walltimes), waits in no one's way rather than being the head. A job that runs in a reservation ({@code within}) is
 * given only the reservation's nodes, and may be the head only if the start kept for it ends inside the window
 * ({@code until}); otherwise it waits in no one's way.
 *
 * <p>First-fit takes jobs in submission order (priorities play no part) and starts each on the first usable free
 * nodes that fit it and that no reservation keeps it off, until one cannot start: it and every later job wait (no job
 * overtakes another), except a job that reservations keep off free nodes or that runs in a reservation, which waits
 * without stopping the others. It plans nothing ahead, so it says no expected start.
 *
 * <p>The planner allocates nothing: its starts are proposals for the queue manager's {@code job-start}, the single
 * point that commits an allocation; a refused start is simply planned again at the next pass. Not thread-safe;
 * stateless between passes.
 */
public final class Planner {
    private static final Comparator<QueuedJob> SUBMISSION = Comparator.comparing(QueuedJob::submitted)
            .thenComparing(job -> job.id().length())
            .thenComparing(QueuedJob::id);
    private static final Comparator<QueuedJob> ORDER = Comparator.comparingLong(QueuedJob::priority).reversed()
            .thenComparing(SUBMISSION);

    private final SchedulingPolicy policy;

    /** A backfilling planner. */
    public Planner() {
        this(SchedulingPolicy.BACKFILL);
    }

    /** @param policy how jobs are chosen */
    public Planner(SchedulingPolicy policy) {
        this.policy = policy;
    }

    /** The head's own reservation: when it starts and on which nodes. */
    private record HeadReservation(QueuedJob job, Instant start, boolean[] nodes) {
    }

    /**
     * @param now          the pass's time
     * @param nodes        every node, usable or not
     * @param running      the jobs holding nodes
     * @param queued       the jobs that may start (queued, not held, dependencies met), in any order
     * @param reservations the advance reservations
     * @return what to start now, and why the others wait
     */
    public Plan plan(Instant now, List<PlanNode> nodes, List<RunningJob> running, List<QueuedJob> queued,
                     List<Reservation> reservations) {
        return plan(now, nodes, running, queued, reservations, true);
    }

    /**
     * @param now          the pass's time
     * @param nodes        every node, usable or not
     * @param running      the jobs holding nodes
     * @param queued       the jobs that may start (queued, not held, dependencies met), in any order
     * @param reservations the advance reservations
     * @param explain      whether to say why each job waits; without it the pass stops as soon as nothing more can
     *                     start (no node left free, or first-fit's first waiting job), and its plan names no waiting
     *                     job: a busy queue is then planned in the time of its starts, not of its length
     * @return what to start now, and (when explaining) why the others wait
     */
    public Plan plan(Instant now, List<PlanNode> nodes, List<RunningJob> running, List<QueuedJob> queued,
                     List<Reservation> reservations, boolean explain) {
        return plan(now, nodes, running, queued, reservations, explain, StartGate.NONE);
    }

    /**
     * @param now          the pass's time
     * @param nodes        every node, usable or not
     * @param running      the jobs holding nodes
     * @param queued       the jobs that may start (queued, not held, dependencies met), in any order
     * @param reservations the advance reservations
     * @param explain      as {@link #plan(Instant, List, List, List, List, boolean)}
     * @param gate         a limit on jobs of a kind at once: a job whose kind is full waits in no one's way
     * @return what to start now, and (when explaining) why the others wait
     */
    public Plan plan(Instant now, List<PlanNode> nodes, List<RunningJob> running, List<QueuedJob> queued,
                     List<Reservation> reservations, boolean explain, StartGate gate) {
        PlanState state = new PlanState(now, nodes, running, reservations);
        List<QueuedJob> order = new ArrayList<>(queued);
        order.sort(policy == SchedulingPolicy.FIRST_FIT ? SUBMISSION : ORDER);
        if (policy == SchedulingPolicy.FIRST_FIT) {
            return firstFit(state, order, now, explain, gate);
        }
        List<Plan.Start> starts = new ArrayList<>();
        Map<String, Plan.Waiting> waiting = new LinkedHashMap<>();
        HeadReservation head = null;
        for (QueuedJob job : order) {
            if (!explain && state.freeCount == 0) {
                break;
            }
            if (!fitsAtAll(state, job, waiting) || !mayStart(gate, job, waiting, explain)) {
                continue;
            }
            Instant end = job.endIfStartedAt(now);
            List<Integer> chosen;
            if (head == null) {
                chosen = pickNow(state, job, now, end, null);
            } else if (head.start() == null) {
                // When the head can start is unknown, nothing may start that could be in its way: only a job on
                // nodes a reservation keeps from the head for the job's whole run (its users' own idle nodes).
                chosen = pickNow(state, job, now, end, notReservedAgainst(state, head.job(), now, end));
            } else {
                chosen = pickNow(state, job, now, end, end.isAfter(head.start()) ? head.nodes() : null);
            }
            if (chosen != null) {
                state.take(chosen, end);
                starts.add(new Plan.Start(job.id(), names(state, chosen), head != null));
                gate.started(job);
                continue;
            }
            if (head == null) {
                HeadReservation reserved = reserve(state, job, now, reservations);
                if (reserved.start() == null && job.choosesNodes() || !job.endsInWindow(reserved.start())) {
                    // The nodes it may have are held with no known end, or its reservation's window would end before
                    // it could: it waits for them, in no one's way.
                    if (explain) {
                        waiting.put(job.id(), new Plan.Waiting(whyNot(state, job, now, end) + (job.confined()
                                ? "; its reservation's nodes are not free in time within its window"
                                : "; the nodes it may have are held with no known end")));
                    }
                    continue;
                }
                head = reserved;
                if (explain) {
                    waiting.put(job.id(), new Plan.Waiting(whyNot(state, job, now, end) + "; first in line", head.start(),
                            head.start() == null ? List.of() : names(state, head.nodes())));
                }
            } else if (explain) {
                waiting.put(job.id(), new Plan.Waiting(whyNot(state, job, now, end) + "; behind job " + head.job().id()));
            }
        }
        return new Plan(starts, waiting);
    }

    /** First-fit: each job in submission order on the first nodes free now, until one cannot start. */
    private static Plan firstFit(PlanState state, List<QueuedJob> order, Instant now, boolean explain,
                                 StartGate gate) {
        List<Plan.Start> starts = new ArrayList<>();
        Map<String, Plan.Waiting> waiting = new LinkedHashMap<>();
        QueuedJob first = null;
        for (QueuedJob job : order) {
            if (first != null) {
                if (!explain) {
                    break;
                }
                waiting.put(job.id(), new Plan.Waiting("first-fit: behind job " + first.id()));
                continue;
            }
            if (!fitsAtAll(state, job, waiting) || !mayStart(gate, job, waiting, explain)) {
                continue;
            }
            Instant end = job.endIfStartedAt(now);
            List<Integer> chosen = pickNow(state, job, now, end, null);
            if (chosen != null) {
                state.take(chosen, end);
                starts.add(new Plan.Start(job.id(), names(state, chosen), false));
                gate.started(job);
            } else if (freeFitting(state, job) >= job.nodes() || job.confined()) {
                // Free nodes enough, but reservations keep it off some: it waits without stopping the jobs behind
                // it (the reservation's own users among them), or the cluster would idle until the window passed;
                // so does a job in a reservation, whose nodes are not the others' to wait for.
                if (explain) {
                    waiting.put(job.id(), new Plan.Waiting(whyNot(state, job, now, end)));
                }
            } else {
                first = job;
                if (explain) {
                    waiting.put(job.id(), new Plan.Waiting(whyNot(state, job, now, end) + "; first in line"));
                }
            }
        }
        return new Plan(starts, waiting);
    }

    /** @return whether the gate lets the job start in this pass; if not, says why it waits (when explaining) */
    private static boolean mayStart(StartGate gate, QueuedJob job, Map<String, Plan.Waiting> waiting, boolean explain) {
        String full = gate.full(job);
        if (full != null && explain) {
            waiting.put(job.id(), new Plan.Waiting(full));
        }
        return full == null;
    }

    /**
     * @return whether the usable nodes could ever hold the job (enough of them, every node it requires among them);
     *     if not, says why it waits
     */
    private static boolean fitsAtAll(PlanState state, QueuedJob job, Map<String, Plan.Waiting> waiting) {
        String unfit = state.unfitRequired(job);
        if (unfit != null) {
            waiting.put(job.id(), new Plan.Waiting("required node " + unfit + " is not available (unknown, down, "
                    + "drained, offline, fewer than " + job.ppn() + " slot(s)" + (job.gpus() == 0 ? ""
                    : " or " + job.gpus() + " GPU(s)") + (job.features().isEmpty() ? ""
                    : ", or without " + String.join(" ", job.features().stream().sorted().toList())) + ")"));
            return false;
        }
        int fitting = state.fitting(job);
        if (fitting < job.nodes()) {
            waiting.put(job.id(), new Plan.Waiting("needs " + job.nodes() + " node(s) with " + job.ppn()
                    + " slot(s)" + (job.gpus() == 0 ? "" : ", " + job.gpus() + " GPU(s)")
                    + (job.features().isEmpty() ? "" : " and feature(s) "
                    + String.join(" ", job.features().stream().sorted().toList()))
                    + (job.excluded().isEmpty() ? "" : ", not excluded")
                    + (job.confined() ? " in its reservation" : "") + "; " + fitting + " usable"));
            return false;
        }
        return true;
    }

    /** @return how many nodes free now could hold the job, reservations aside (none while a node it requires is busy) */
    private static int freeFitting(PlanState state, QueuedJob job) {
        for (String name : job.required()) {
            if (!state.free.get(state.index.get(name))) {
                return 0;
            }
        }
        int count = 0;
        for (int i = state.free.nextSetBit(0); i >= 0; i = state.free.nextSetBit(i + 1)) {
            if (state.fits(i, job)) {
                count++;
            }
        }
        return count;
    }

    /** @return for each node, whether no reservation keeps the job off it over the whole of [from, until) */
    private static boolean[] notReservedAgainst(PlanState state, QueuedJob job, Instant from, Instant until) {
        boolean[] open = new boolean[state.nodes.length];
        for (int i = 0; i < open.length; i++) {
            open[i] = true;
            for (Reservation reservation : state.reservations.get(i)) {
                if (reservation.keepsOffThroughout(job.user(), from, until)) {
                    open[i] = false;
                    break;
                }
            }
        }
        return open;
    }

    /**
     * @param avoid nodes it must not take (the head's), or null
     * @return the first free nodes that fit, or null when there are not enough
     */
    private static List<Integer> pickNow(PlanState state, QueuedJob job, Instant now, Instant end, boolean[] avoid) {
        if (state.freeCount < job.nodes()) {
            return null;
        }
        List<Integer> chosen = new ArrayList<>(job.nodes());
        BitSet required = new BitSet();
        for (String name : job.required()) {
            int i = state.index.get(name);
            if (!state.free.get(i) || !state.fits(i, job) || (avoid != null && avoid[i])
                    || state.excluding(i, job, now, end) != null) {
                return null;
            }
            chosen.add(i);
            required.set(i);
        }
        for (int i = state.free.nextSetBit(0); i >= 0 && chosen.size() < job.nodes(); i = state.free.nextSetBit(i + 1)) {
            if (state.fits(i, job) && (avoid == null || !avoid[i]) && state.excluding(i, job, now, end) == null
                    && !required.get(i)) {
                chosen.add(i);
            }
        }
        return chosen.size() == job.nodes() ? chosen : null;
    }

    /**
     * The head's reservation: the earliest time enough nodes fitting it are available and not kept from it by a
     * reservation over its whole run; its nodes are chosen among those busy now first.
     */
    private static HeadReservation reserve(PlanState state, QueuedJob job, Instant now, List<Reservation> reservations) {
        TreeSet<Instant> times = new TreeSet<>();
        times.add(now);
        List<Instant> available = new ArrayList<>();
        for (int i = 0; i < state.nodes.length; i++) {
            if (state.fits(i, job) && state.availableAt[i] != Instant.MAX) {
                available.add(state.availableAt[i]);
            }
        }
        if (reservations.isEmpty()) {
            if (available.size() < job.nodes()) {
                return new HeadReservation(job, null, new boolean[state.nodes.length]);
            }
            available.sort(null);
            Instant earliest = available.get(job.nodes() - 1);
            for (String name : job.required()) {
                Instant at = state.availableAt[state.index.get(name)];
                if (at == Instant.MAX) {
                    return new HeadReservation(job, null, new boolean[state.nodes.length]);
                }
                earliest = at.isAfter(earliest) ? at : earliest;
            }
            times = new TreeSet<>(List.of(earliest));
        } else {
            times.addAll(available);
        }
        for (Reservation reservation : reservations) {
            if (reservation.end().isAfter(now)) {
                times.add(reservation.end());
            }
        }
        for (Instant t : times) {
            Instant end = job.endIfStartedAt(t);
            List<Integer> busyNow = new ArrayList<>();
            List<Integer> freeNow = new ArrayList<>();
            for (int i = 0; i < state.nodes.length; i++) {
                if (state.fits(i, job) && !state.availableAt[i].isAfter(t) && state.excluding(i, job, t, end) == null) {
                    (state.free.get(i) ? freeNow : busyNow).add(i);
                }
            }
            if (busyNow.size() + freeNow.size() >= job.nodes() && allRequiredAmong(state, job, busyNow, freeNow)) {
                boolean[] chosen = new boolean[state.nodes.length];
                int taken = 0;
                for (String name : job.required()) {
                    chosen[state.index.get(name)] = true;
                    taken++;
                }
                for (List<Integer> group : List.of(busyNow, freeNow)) {
                    for (int i : group) {
                        if (taken < job.nodes() && !chosen[i]) {
                            chosen[i] = true;
                            taken++;
                        }
                    }
                }
                return new HeadReservation(job, t, chosen);
            }
        }
        return new HeadReservation(job, null, new boolean[state.nodes.length]);
    }

    /** @return whether every node the job requires is among the candidates */
    private static boolean allRequiredAmong(PlanState state, QueuedJob job, List<Integer> busyNow, List<Integer> freeNow) {
        if (job.required().isEmpty()) {
            return true;
        }
        BitSet candidates = new BitSet(state.nodes.length);
        busyNow.forEach(candidates::set);
        freeNow.forEach(candidates::set);
        for (String name : job.required()) {
            if (!candidates.get(state.index.get(name))) {
                return false;
            }
        }
        return true;
    }

    /** One line on what keeps a job from starting now. */
    private static String whyNot(PlanState state, QueuedJob job, Instant now, Instant end) {
        int free = 0;
        Reservation blocking = null;
        for (int i = state.free.nextSetBit(0); i >= 0; i = state.free.nextSetBit(i + 1)) {
            if (state.fits(i, job)) {
                Reservation reservation = state.excluding(i, job, now, end);
                if (reservation == null) {
                    free++;
                } else if (blocking == null) {
                    blocking = reservation;
                }
            }
        }
        String resources = "resources: needs " + job.nodes() + " node(s), " + free + " free";
        List<String> busyRequired = new ArrayList<>();
        for (String name : job.required()) {
            if (!state.free.get(state.index.get(name))) {
                busyRequired.add(name);
            }
        }
        if (!busyRequired.isEmpty()) {
            resources += "; required node(s) busy: " + String.join(" ", busyRequired);
        }
        return blocking == null ? resources : resources + " (reservation " + blocking.id() + " holds others)";
    }

    private static List<String> names(PlanState state, boolean[] chosen) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                names.add(state.nodes[i].name());
            }
        }
        return names;
    }

    private static List<String> names(PlanState state, List<Integer> chosen) {
        List<String> names = new ArrayList<>(chosen.size());
        for (int i : chosen) {
            names.add(state.nodes[i].name());
        }
        return names;
    }
}
