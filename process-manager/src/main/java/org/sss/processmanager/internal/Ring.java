package org.sss.processmanager.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.DetachedListing;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.SignalDelivery;

/**
 * What the process manager asks of the mpd ring: launch a group's job (detached) and hear its events, find, follow,
 * signal, kill and release detached jobs, and read the ring's members. {@link RingDriver} does it through mpd
 * consoles; unit tests put a ring in memory in its place. Implementations are thread-safe.
 */
interface Ring extends AutoCloseable {
    /**
     * @return the ring's members, freshly asked
     * @throws IOException if the ring cannot be reached
     */
    List<RingMember> members() throws IOException;

    /**
     * @param request  the job
     * @param listener its events
     * @return the job id ({@code N@rootid})
     * @throws IOException         if the ring cannot be reached
     * @throws MpdRequestException if the ring refuses the job
     */
    String launch(JobRequest request, Consumer<JobEvent> listener) throws IOException, MpdRequestException;

    /**
     * @return every detached job of the ring
     * @throws IOException if the ring cannot be reached
     */
    DetachedListing detachedJobs() throws IOException;

    /**
     * @param jid      a detached job
     * @param listener gets its story again, then its events
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    void attach(String jid, Consumer<JobEvent> listener) throws IOException, MpdRequestException;

    /**
     * @param jid an ended detached job whose end is stored
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if it is still running
     */
    void release(String jid) throws IOException, MpdRequestException;

    /**
     * @param jid    a job
     * @param signal the first signal; SIGKILL follows after the grace period
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    void kill(String jid, int signal) throws IOException, MpdRequestException;

    /**
     * @param jid    a job
     * @param signal the signal
     * @param rank   one rank, or -1 for all
     * @param group  whether each rank's process group gets it
     * @return which ranks it reached
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    SignalDelivery signal(String jid, int signal, int rank, boolean group) throws IOException, MpdRequestException;

    /** Closes its connections to the ring (the jobs run on, detached). */
    @Override
    void close();
}
