package org.sss.mpd.internal.pmi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mpd's share of a job's key-value space, and its part in the job's fences.
 *
 * <p>A put stays here (pending) until the next fence. A fence completes bottom-up over the launch tree: when every
 * local rank has entered it and every child mpd has reported, this mpd's pending puts and its children's go up to
 * its parent in one message; the root then has the union of the whole job's puts and sends it back down; each mpd
 * merges it into the committed space and releases its ranks. A get sees committed values only, as PMI promises
 * ("visible after the next barrier"). So a fence costs one message up and one down per tree edge, O(log N) deep,
 * and no mpd ever serves a key to another. Thread-safe.
 */
public final class JobKvs {
    /**
     * The most characters of keys and values a job's space holds on one mpd, committed and pending together: far
     * above what MPICH puts (a business card of a few hundred bytes a rank), below what one fence message carries
     * (16 MiB), so a rank cannot fill the mpd's heap, which every job on the host shares.
     */
    public static final long MAX_CHARS = 8L << 20;
    private final String kvsname;
    private final int localRanks;
    private final int children;
    private final Map<String, String> committed = new HashMap<>();
    private final Map<String, String> pending = new LinkedHashMap<>();
    private final List<Runnable> waiting = new ArrayList<>();
    private long committedChars;
    private long pendingChars;
    private int localIn;
    private int childrenIn;
    private long epoch;

    /**
     * @param kvsname    the space's name, as ranks see it
     * @param localRanks ranks of the job on this mpd
     * @param children   child mpds in the job's launch tree
     * @param preput     keys the space starts with (a spawned job's, from its parent)
     */
    public JobKvs(String kvsname, int localRanks, int children, Map<String, String> preput) {
        this.kvsname = kvsname;
        this.localRanks = localRanks;
        this.children = children;
        this.committed.putAll(preput);
        preput.forEach((key, value) -> committedChars += growth(null, key, value));
    }

    /** @return the space's name */
    public String kvsname() {
        return kvsname;
    }

    /** A fence contribution ready to go up the tree (or, at the root, the union to send down). */
    public record Contribution(long epoch, Map<String, String> puts) {
    }

    /**
     * @param key   a key
     * @param value its value, visible to gets after the next fence
     * @return false (nothing kept) if the space would hold more than {@link #MAX_CHARS} characters here
     */
    public synchronized boolean put(String key, String value) {
        long added = growth(pending.get(key), key, value);
        if (committedChars + pendingChars + added > MAX_CHARS) {
            return false;
        }
        pendingChars += added;
        pending.put(key, value);
        return true;
    }

    /**
     * @param key a key
     * @return its committed value
     */
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(committed.get(key));
    }

    /**
     * A local rank enters the fence.
     *
     * @param release what to do when the fence completes (reply {@code barrier_out})
     * @return the contribution to send up, once this subtree is complete
     */
    public synchronized Optional<Contribution> rankIn(Runnable release) {
        localIn++;
        waiting.add(release);
        return readiness();
    }

    /**
     * A child mpd's subtree has entered the fence.
     *
     * @param puts the puts of that subtree since the last fence
     * @return the contribution to send up, once this subtree is complete
     */
    public synchronized Optional<Contribution> childIn(Map<String, String> puts) {
        childrenIn++;
        puts.forEach((key, value) -> pendingChars += growth(pending.put(key, value), key, value));
        return readiness();
    }

    private Optional<Contribution> readiness() {
        if (localIn < localRanks || childrenIn < children) {
            return Optional.empty();
        }
        Contribution contribution = new Contribution(epoch++, new LinkedHashMap<>(pending));
        pending.clear();
        pendingChars = 0;
        localIn = 0;
        childrenIn = 0;
        return Optional.of(contribution);
    }

    /**
     * The fence completed: the union of every put of the job becomes visible.
     *
     * @param union the puts of the whole job since the last fence
     * @return the releases of the local ranks waiting in the fence
     */
    public synchronized List<Runnable> commit(Map<String, String> union) {
        union.forEach((key, value) -> committedChars += growth(committed.put(key, value), key, value));
        List<Runnable> released = new ArrayList<>(waiting);
        waiting.clear();
        return released;
    }

    /** @return the characters a space grows by when {@code key} holds {@code value} where it held {@code before} */
    private static long growth(String before, String key, String value) {
        return before == null ? key.length() + value.length() : value.length() - before.length();
    }

    /** @return how many ranks wait in the fence here */
    public synchronized int waitingRanks() {
        return waiting.size();
    }
}
