package org.sss.mpd.internal;

import java.util.Set;

/** Told by a {@link Ring} when members disappear from it (on a thread of its own, outside the ring's lock). */
public interface RingListener {
    /**
     * @param lost ids of the members that left or died
     * @param died whether they were lost (true) rather than departed cleanly
     */
    void membersGone(Set<String> lost, boolean died);
}
