package org.sss.mpd.internal.pmi;

import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/** What a PMI session needs from the job its rank belongs to; implemented by the mpd's job manager. */
public interface PmiJob {
    /** @return the job id, for logs */
    String jid();

    /** @return ranks in the job */
    int size();

    /**
     * @param rank a rank
     * @return its application number (its MPMD set)
     */
    int appnum(int rank);

    /** @return the MPI universe size to announce */
    int universeSize();

    /** @return PMI_process_mapping, if it fits a reply */
    Optional<String> processMapping();

    /** @return this mpd's share of the job's key-value space */
    JobKvs kvs();

    /**
     * A rank's PMI connection identified itself.
     *
     * @param rank    the rank
     * @param session its session (whose state tells whether it finalised)
     */
    void attached(int rank, PmiSession session);

    /**
     * A rank entered a fence.
     *
     * @param rank    the rank
     * @param release replies {@code barrier_out} when the fence completes
     */
    void barrierIn(int rank, Runnable release);

    /**
     * A rank called {@code MPI_Abort}: the job ends with that code.
     *
     * @param rank the rank
     * @param code its exit code
     */
    void abort(int rank, int code);

    /**
     * A rank finished with PMI ({@code MPI_Finalize}).
     *
     * @param rank the rank
     */
    void finalized(int rank);

    /**
     * A rank asks to spawn processes ({@code MPI_Comm_spawn}).
     *
     * @param rank     the rank
     * @param commands what to start
     * @param result   receives the return code (0 when started)
     */
    void spawn(int rank, List<SpawnRequest.Command> commands, IntConsumer result);

    /**
     * @param rank a rank of the job here
     * @return the ring's name service as that rank sees it (the names of the user it runs as)
     */
    PmiNames names(int rank);
}
