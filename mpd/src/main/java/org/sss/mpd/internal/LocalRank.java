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
    /**
     * It has exited and is being reaped: its pid (and the process group it led) may name another process from now on,
     * so nothing signals it any more, although {@link #exited} may not be set yet.
     */
    boolean reaped;
    int waitStatus;
    StdinWriter stdin;
    ScheduledFuture<?> killTimer;
    /** Its job was killed or forgotten while it was being started (no pid yet): it is killed once it has one. */
    boolean doomed;
    /**
     * The {@code job-exit} sent up the tree for it, kept so that it can be sent again straight to the root when a
     * host on its way dies (see {@link JobTree#resendExits}); null until it has exited.
     */
    volatile MpdMessage exitReport;

    LocalRank(int rank) {
        this.rank = rank;
    }

    /**
     * Records the pid of a rank just started.
     *
     * @param startedPid its pid
     * @return whether its job was killed or forgotten while it was being started: the caller kills it now (else it
     *         would run on with no job, its {@code PMI_ID} already given back)
     */
    synchronized boolean started(int startedPid) {
        pid = startedPid;
        return doomed && !exited;
    }

    /** @return whether its pid may be signalled: it has one, and has not exited (caller holds the monitor) */
    boolean signallable() {
        return pid > 0 && !exited && !reaped;
    }

    /**
     * Its job is being killed or forgotten.
     *
     * @return its pid to signal, or 0 if it has exited or is still being started (then {@link #started} says to
     *         kill it)
     */
    synchronized int doom() {
        if (exited || reaped) {
            return 0;
        }
        if (pid <= 0) {
            doomed = true;
        }
        return pid;
    }
}
