package org.sss.mpd.internal.pmix;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One mpd's part in a job's PMIx fences, over the job's launch tree as PMI-1's fences go
 * ({@link org.sss.mpd.internal.pmi.JobKvs}): the PMIx server library calls its host once per fence, when every
 * local rank has entered it, with this host's contribution already packed; when that contribution and every child
 * mpd's subtree are in, the subtree's contributions go up to the parent as one blob; the root then holds every
 * host's, which goes back down, and each mpd hands it to its library, which unpacks the contributions one after
 * another. A host without ranks of the job only waits for its children. Thread-safe.
 */
public final class PmixFence {
    private final boolean localRanks;
    private final int children;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final List<Long> waiting = new ArrayList<>();
    private boolean localIn;
    private int childrenIn;

    /**
     * @param localRanks whether the job has ranks on this host (whose library then contributes)
     * @param children   child mpds in the job's launch tree
     */
    public PmixFence(boolean localRanks, int children) {
        this.localRanks = localRanks;
        this.children = children;
    }

    /**
     * The library's contribution for this host.
     *
     * @param id   the library's request, answered when the fence completes
     * @param data the contribution
     * @return the subtree's contributions to send up, once it is complete
     */
    public synchronized Optional<byte[]> localIn(long id, byte[] data) {
        localIn = true;
        waiting.add(id);
        pending.writeBytes(data);
        return readiness();
    }

    /**
     * A child mpd's subtree has entered the fence.
     *
     * @param data its contributions
     * @return the subtree's contributions to send up, once it is complete
     */
    public synchronized Optional<byte[]> childIn(byte[] data) {
        childrenIn++;
        pending.writeBytes(data);
        return readiness();
    }

    private Optional<byte[]> readiness() {
        if ((localRanks && !localIn) || childrenIn < children) {
            return Optional.empty();
        }
        byte[] subtree = pending.toByteArray();
        pending = new ByteArrayOutputStream();
        localIn = false;
        childrenIn = 0;
        return Optional.of(subtree);
    }

    /**
     * The fence completed everywhere.
     *
     * @return the library requests to answer with every host's contributions
     */
    public synchronized List<Long> complete() {
        List<Long> released = new ArrayList<>(waiting);
        waiting.clear();
        return released;
    }
}
