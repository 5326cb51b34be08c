package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Placement held to a job's allocation ({@link Confinement#allocation}): a job that names no hosts is placed on the
 * allocation's hosts, and one whose ranks would land on a host outside it is refused — before anything starts —
 * with a message naming the job and the host. A job without an allocation is placed as {@link Placement} does.
 * Stateless.
 */
final class ConfinedPlacement {
    private ConfinedPlacement() {
    }

    /**
     * @param spec the job, with its confinement
     * @param ring the current membership
     * @param root the root mpd's id
     * @return where its ranks go
     * @throws IllegalArgumentException if a host is unknown or outside the allocation
     */
    static Placement of(JobSpec spec, Membership ring, String root) {
        Confinement held = spec.confinement();
        if (!held.allocated()) {
            return Placement.of(spec, ring, root);
        }
        JobSpec.Wishes wishes = spec.wishes();
        JobSpec placed = spec;
        if (wishes.at().isEmpty() && wishes.machines().isEmpty() && wishes.hosts().isEmpty()) {
            placed = spec.confinedTo(held, new JobSpec.Wishes(List.of(), List.of(), held.allocation(), wishes.ppn()));
        }
        Placement placement = Placement.of(placed, ring, root);
        List<String> outside = new ArrayList<>();
        boolean[] used = new boolean[placement.tree().size()];
        for (int host : placement.rankHost()) {
            used[host] = true;
        }
        for (int index = 0; index < used.length; index++) {
            String id = placement.tree().get(index);
            if (used[index] && !ring.member(id).map(held::allows).orElse(false)) {
                outside.add(id);
            }
        }
        if (!outside.isEmpty()) {
            throw new IllegalArgumentException(held.jobName() + " was given " + String.join(",", held.allocation())
                    + " only: " + String.join(",", outside) + (outside.size() == 1 ? " is" : " are")
                    + " outside its allocation; no rank was started");
        }
        return placement;
    }
}
