package org.sss.mpd.internal;

import java.util.concurrent.ScheduledFuture;
import org.sss.mpd.internal.pmi.PmiSession;

/**
 * A rank (or a co-process) running on this mpd: its pid, its PMI id and session, how far it got with PMIx, whether
 * it has exited, and the pending SIGKILL of a kill in progress. Fields other than the final ones are guarded by the
 * object's monitor, except {@link #session}, which the PMI server sets, and {@link #pmix}, which the PMIx server's
 * reports set.
 */
final class LocalRank {
    /** {@link #pmix}: the rank has not connected to the PMIx server. */
    static final int PMIX_NONE = 0;
    /** {@link #pmix}: the rank called {@code PMIx_Init} and not yet {@code PMIx_Finalize}. */
    static final int PMIX_CONNECTED = 1;
    /** {@link #pmix}: the rank called {@code PMIx_Finalize}. */
    static final int PMIX_FINALIZED = 2;
    /** The rank, or -1 for a co-process. */
    final int rank;
    int pid;
    int pmiid;
    volatile PmiSession session;
    volatile int pmix = PMIX_NONE;
    boolean exited;
    int waitStatus;
    StdinWriter stdin;
    ScheduledFuture<?> killTimer;

    LocalRank(int rank) {
        this.rank = rank;
    }
}
