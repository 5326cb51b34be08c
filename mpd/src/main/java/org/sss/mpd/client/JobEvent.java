package org.sss.mpd.client;

import java.util.List;
import java.util.Map;

/**
 * What the ring reports about a job to the console it reports to, in the order it happened. A console that
 * {@linkplain MpdConsole#attach attaches} to a detached job gets everything from {@link Launched} on again.
 */
public sealed interface JobEvent {
    /** @return the job */
    String jid();

    /**
     * The job was placed and is starting.
     *
     * @param jid        the job
     * @param tag        its owner's label
     * @param hostOfRank the mpd id of each rank's host
     */
    record Launched(String jid, String tag, List<String> hostOfRank) implements JobEvent {
    }

    /**
     * A host started its ranks (reported for detached jobs).
     *
     * @param jid        the job
     * @param host       the mpd id
     * @param pidOfRank  pid of each rank started there (0 if it could not be started)
     * @param coProcess  pid of the co-process started there, or 0
     */
    record Spawned(String jid, String host, Map<Integer, Integer> pidOfRank, int coProcess) implements JobEvent {
    }

    /**
     * Output of a rank or a co-process, as it was produced.
     *
     * @param jid    the job
     * @param rank   the rank, or -1 for a co-process
     * @param coHost the co-process's host, or null for a rank
     * @param stream 1 for standard output, 2 for standard error
     * @param data   the bytes
     */
    record Output(String jid, int rank, String coHost, int stream, byte[] data) implements JobEvent {
    }

    /**
     * A rank ended.
     *
     * @param jid    the job
     * @param rank   the rank
     * @param status its exit status (128+signal when a signal ended it; 255 when its host was lost)
     * @param host   where it ran
     * @param signal the signal that ended it, or 0
     * @param pid    its pid, or 0 if unknown
     * @param why    an explanation when the status alone does not say it, or null
     */
    record RankExited(String jid, int rank, int status, String host, int signal, int pid, String why) implements JobEvent {
    }

    /**
     * A co-process ended (or could not start: status 127 and a reason).
     *
     * @param jid    the job
     * @param host   where it ran
     * @param pid    its pid, or 0
     * @param status its exit status
     * @param signal the signal that ended it, or 0
     * @param why    what went wrong, or null
     */
    record CoProcessExited(String jid, String host, int pid, int status, int signal, String why) implements JobEvent {
    }

    /**
     * Output was produced beyond what the root keeps for replay, and a replay lacks it.
     *
     * @param jid   the job
     * @param bytes bytes not kept
     */
    record OutputDropped(String jid, long bytes) implements JobEvent {
    }

    /**
     * The job ended: every rank is accounted for.
     *
     * @param jid    the job
     * @param status 0, the first failing rank's status, 128+signal if it was killed, 255 if a host was lost
     * @param reason what went wrong, or null
     * @param usage  what its processes used, as its hosts' control groups measured it; null when none did
     */
    record Ended(String jid, int status, String reason, Usage usage) implements JobEvent {
        /**
         * An end nobody measured.
         *
         * @param jid    the job
         * @param status its status
         * @param reason what went wrong, or null
         */
        public Ended(String jid, int status, String reason) {
            this(jid, status, reason, null);
        }
    }

    /**
     * What a job's processes used.
     *
     * @param cpuNanos  CPU time, user and system, of every process on every host, nanoseconds
     * @param peakBytes the sum over its hosts of each host's peak memory, bytes
     */
    record Usage(long cpuNanos, long peakBytes) {
    }

    /**
     * The console lost its connection; the job's later events will not arrive on it (a detached job runs on).
     *
     * @param jid    the job
     * @param reason why
     */
    record Disconnected(String jid, String reason) implements JobEvent {
    }
}
