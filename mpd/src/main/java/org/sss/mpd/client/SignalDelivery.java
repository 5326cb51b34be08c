package org.sss.mpd.client;

import java.util.List;

/**
 * Which ranks a signal reached, as the hosts reported it to the job's root.
 *
 * @param delivered ranks signalled
 * @param missed    ranks not signalled: already ended, or on a host that did not answer in time
 */
public record SignalDelivery(List<Integer> delivered, List<Integer> missed) {
    /** Copies the lists. */
    public SignalDelivery {
        delivered = List.copyOf(delivered);
        missed = List.copyOf(missed);
    }
}
