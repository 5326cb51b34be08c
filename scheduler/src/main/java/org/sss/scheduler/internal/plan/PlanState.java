package org.sss.scheduler.internal.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes as one planning pass sees them and changes them: which are free, when each becomes available, which
 * reservations cover each, and which a job may have (slots, exclusions, features, required nodes). Not thread-safe;
 * made for one pass of the {@link Planner}.
 */
final class PlanState {
    final PlanNode[] nodes;
    final Map<String, Integer> index = new HashMap<>();
    final Instant[] availableAt;
    /** Usable nodes nobody holds now, by index (ordered, so that picks are deterministic). */
    final BitSet free;
    final List<List<Reservation>> reservations = new ArrayList<>();
    final Map<Integer, Integer> fittingByPpn = new HashMap<>();
    final Map<List<Object>, Integer> fittingByExclusion = new HashMap<>();
    int freeCount;

    PlanState(Instant now, List<PlanNode> list, List<RunningJob> running, List<Reservation> reserved) {
        nodes = list.toArray(PlanNode[]::new);
        availableAt = new Instant[nodes.length];
        free = new BitSet(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            index.put(nodes[i].name(), i);
            availableAt[i] = nodes[i].usable() ? now : Instant.MAX;
            free.set(i, nodes[i].usable());
            reservations.add(List.of());
        }
        for (RunningJob job : running) {
            Instant end = job.expectedEnd() == null ? Instant.MAX : job.expectedEnd().isBefore(now) ? now
                    : job.expectedEnd();
            for (String name : job.nodes()) {
                Integer i = index.get(name);
                if (i != null) {
                    free.clear(i);
                    if (nodes[i].usable()) {
                        availableAt[i] = end;
                    }
                }
            }
        }
        for (Reservation reservation : reserved) {
            for (String name : reservation.nodes()) {
                Integer i = index.get(name);
                if (i != null) {
                    List<Reservation> onNode = new ArrayList<>(reservations.get(i));
                    onNode.add(reservation);
                    reservations.set(i, onNode);
                }
            }
        }
        freeCount = free.cardinality();
    }

    /**
     * @return how many usable nodes have the job's slots and are not excluded (counted once per ppn, excluded
     *     nodes and pass: an array's elements share one count)
     */
    int fitting(QueuedJob job) {
        if (job.choosesNodes()) {
            return fittingByExclusion.computeIfAbsent(List.of(job.ppn(), job.excluded(), job.features(), job.gpus(),
                    job.within()), key -> {
                int count = 0;
                for (int i = 0; i < nodes.length; i++) {
                    count += fits(i, job) ? 1 : 0;
                }
                return count;
            });
        }
        return fittingByPpn.computeIfAbsent(job.ppn(), ppn -> {
            int count = 0;
            for (PlanNode node : nodes) {
                count += node.usable() && node.slots() >= ppn ? 1 : 0;
            }
            return count;
        });
    }

    boolean fits(int i, QueuedJob job) {
        return nodes[i].usable() && nodes[i].slots() >= job.ppn()
                && (job.excluded().isEmpty() || !job.excluded().contains(nodes[i].name()))
                && (job.features().isEmpty() || nodes[i].features().containsAll(job.features()))
                && nodes[i].gpus() >= job.gpus()
                && (job.within().isEmpty() || job.within().contains(nodes[i].name()));
    }

    /** @return the first node the job requires that cannot hold it (unknown, not usable, too small), or null */
    String unfitRequired(QueuedJob job) {
        for (String name : job.required()) {
            Integer i = index.get(name);
            if (i == null || !fits(i, job)) {
                return name;
            }
        }
        return null;
    }

    /** @return the reservation keeping the job off node i over [from, until), or null */
    Reservation excluding(int i, QueuedJob job, Instant from, Instant until) {
        for (Reservation reservation : reservations.get(i)) {
            if (reservation.excludes(job.user(), from, until)) {
                return reservation;
            }
        }
        return null;
    }

    void take(List<Integer> chosen, Instant until) {
        for (int i : chosen) {
            free.clear(i);
            availableAt[i] = until;
            freeCount--;
        }
    }
}
