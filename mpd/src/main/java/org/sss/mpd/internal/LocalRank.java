package org.sss.mpd.internal;

import java.util.concurrent.ScheduledFuture;
import org.sss.mpd.internal.pmi.PmiSession;

/**
 * A rank (or a co-process) running on this mpd: its pid, its PMI id and session, whether it has exited, and the
 * pending SIGKILL of a kill in progress. Fields other than the final ones are guarded by the object's monitor,
 * except {@link #session}, which the PMI server sets.
 */
final class LocalRank {
    /** The rank, or -1 for a co-process. */
    final int rank;
    int pid;
    int pmiid;
    volatile PmiSession session;
    boolean exited;
    int waitStatus;
    StdinWriter stdin;
    ScheduledFuture<?> killTimer;

    LocalRank(int rank) {
        this.rank = rank;
    }
}
