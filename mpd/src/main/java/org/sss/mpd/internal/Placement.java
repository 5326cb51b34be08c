package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the ranks of a job go, decided by the root mpd from the ring and the console's wishes:
 * <ul>
 *   <li>an explicit host for every rank (the process manager's {@code host-spec}): exactly there;</li>
 *   <li>a machinefile ({@code -f}): its hosts in order, each taking its count of consecutive ranks (1 when no
 *       {@code :count}), wrapping around until every rank is placed (as MPICH's Hydra does);</li>
 *   <li>{@code -ppn P}: P consecutive ranks per host, hosts in order, wrapping around;</li>
 *   <li>otherwise round-robin: rank r on the r-th host (wrapping), as MPD placed them.</li>
 * </ul>
 * Hosts are the ring's members starting at the root and going round the ring, or the {@code -hosts} list (by mpd
 * id or host name) in its order. The result lists the hosts in launch-tree order: the root first (it leads the
 * tree even when it runs no rank), then the others in the order they first receive a rank.
 *
 * @param tree     member ids in tree order
 * @param rankHost each rank's index in {@code tree}
 */
public record Placement(List<String> tree, int[] rankHost) {

    /**
     * @param spec the job (size, hosts wanted, ppn, machinefile entries)
     * @param ring the current membership
     * @param root the root mpd's id
     * @return the placement
     * @throws IllegalArgumentException naming an unknown host or a bad machinefile entry
     */
    public static Placement of(JobSpec spec, Membership ring, String root) {
        List<Member> order = ringFrom(ring, root);
        JobSpec.Wishes wishes = spec.wishes();
        if (!wishes.at().isEmpty()) {
            Map<String, Member> found = new LinkedHashMap<>();
            Member[] assigned = new Member[spec.size()];
            for (int r = 0; r < assigned.length; r++) {
                assigned[r] = found.computeIfAbsent(wishes.at().get(r), name -> find(order, name));
            }
            return of(assigned, root);
        }
        List<Member> hosts = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        if (!wishes.machines().isEmpty()) {
            for (String entry : wishes.machines()) {
                int colon = entry.lastIndexOf(':');
                String name = colon > 0 ? entry.substring(0, colon) : entry;
                int count = 1;
                if (colon > 0) {
                    try {
                        count = Integer.parseInt(entry.substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("machinefile entry '" + entry + "' has a bad count");
                    }
                    if (count < 1) {
                        throw new IllegalArgumentException("machinefile entry '" + entry + "' has a count below 1");
                    }
                }
                hosts.add(find(order, name.trim()));
                slots.add(count);
            }
        } else if (!wishes.hosts().isEmpty()) {
            for (String name : wishes.hosts()) {
                hosts.add(find(order, name));
                slots.add(Math.max(1, wishes.ppn()));
            }
        } else {
            hosts.addAll(order);
            hosts.forEach(h -> slots.add(Math.max(1, wishes.ppn())));
        }
        int size = spec.size();
        Member[] assigned = new Member[size];
        int rank = 0;
        while (rank < size) {
            for (int h = 0; h < hosts.size() && rank < size; h++) {
                for (int s = 0; s < slots.get(h) && rank < size; s++) {
                    assigned[rank++] = hosts.get(h);
                }
            }
        }
        return of(assigned, root);
    }

    private static Placement of(Member[] assigned, String root) {
        int size = assigned.length;
        Map<String, Integer> index = new LinkedHashMap<>();
        index.put(root, 0);
        for (Member member : assigned) {
            index.putIfAbsent(member.id(), index.size());
        }
        int[] rankHost = new int[size];
        for (int r = 0; r < size; r++) {
            rankHost[r] = index.get(assigned[r].id());
        }
        return new Placement(List.copyOf(index.keySet()), rankHost);
    }

    private static List<Member> ringFrom(Membership ring, String root) {
        List<Member> members = ring.members();
        int start = 0;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).id().equals(root)) {
                start = i;
            }
        }
        List<Member> order = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            order.add(members.get((start + i) % members.size()));
        }
        return order;
    }

    private static Member find(List<Member> members, String name) {
        return Member.named(members, name).orElseThrow(
                () -> new IllegalArgumentException("host " + name + " is not in the ring (mpdtrace lists it)"));
    }
}
