package org.sss.processmanager.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.client.AnswerLostException;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.DetachedListing;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.SignalDelivery;

/**
 * The mpd ring in memory, led by mpd {@code mpd1}: records the jobs launched and what was asked of them (as lines such
 * as {@code kill 1@mpd1 15}), and tells a job's listener what the test says happened to it ({@link #tell}). Can be
 * made to refuse launches, to lose their answers, to be unreachable, to list other detached jobs, and to run a test's code inside a launch or
 * a listing. Thread-safe.
 */
final class FakeRing implements Ring {
    /** The jobs launched, in order. */
    final List<JobRequest> launched = new CopyOnWriteArrayList<>();
    /** Kills, signals and releases, in order. */
    final List<String> actions = new CopyOnWriteArrayList<>();
    /** The detached jobs the ring lists besides those launched here. */
    final List<DetachedJob> detached = new CopyOnWriteArrayList<>();
    /** The members whose jobs the listing lacks (they did not answer). */
    final List<String> unlisted = new CopyOnWriteArrayList<>();
    /** Runs inside each listing of the detached jobs, before it answers: a test's way to order a race. */
    volatile Runnable whileListing = () -> { };
    /** Runs inside each launch, before it answers. */
    volatile Runnable whileLaunching = () -> { };
    /** Runs inside each signal delivery, before it answers. */
    volatile Runnable whileSignalling = () -> { };
    private final Map<String, Consumer<JobEvent>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Integer> sizes = new ConcurrentHashMap<>();
    private final AtomicInteger jobs = new AtomicInteger();
    private final List<RingMember> members = List.of(new RingMember("mpd1", "node1", new Endpoint("node1", 7000)),
            new RingMember("mpd2", "node2", new Endpoint("node2", 7000)));
    private volatile String refusal;
    private volatile boolean unreachable;
    /** Whether launches lose their answer: null, no; true, after starting the job; false, before. */
    private volatile Boolean answersLost;

    /** @param why the refusal of every launch from now on, or null to accept them again */
    void refuseLaunches(String why) {
        refusal = why;
    }

    /**
     * @param started null to answer launches again; else every launch from now on loses its answer, having started
     *                its job (true: the ring then lists it as a running detached job with its tag) or not (false)
     */
    void loseLaunchAnswers(Boolean started) {
        answersLost = started;
    }

    /** @param down whether the ring cannot be reached from now on */
    void unreachable(boolean down) {
        unreachable = down;
    }

    /**
     * @param jid   a launched job
     * @param event what happened to it, told to its listener as the console would
     */
    void tell(String jid, JobEvent event) {
        listeners.get(jid).accept(event);
    }

    private void reachable() throws IOException {
        if (unreachable) {
            throw new IOException("connection refused (the test's ring is down)");
        }
    }

    @Override
    public List<RingMember> members() throws IOException {
        reachable();
        return members;
    }

    @Override
    public String launch(JobRequest request, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        reachable();
        if (refusal != null) {
            throw new MpdRequestException(refusal);
        }
        whileLaunching.run();
        Boolean lost = answersLost;
        if (Boolean.FALSE.equals(lost)) {
            throw new AnswerLostException("the test's mpd closed the console before the launch arrived", null);
        }
        String jid = jobs.incrementAndGet() + "@mpd1";
        listeners.put(jid, listener);
        sizes.put(jid, request.size());
        launched.add(request);
        if (Boolean.TRUE.equals(lost)) {
            detached.add(new DetachedJob(jid, "mpd1", true, request.tag()));
            throw new AnswerLostException("the test's mpd closed the console after starting job " + jid, null);
        }
        return jid;
    }

    @Override
    public DetachedListing detachedJobs() throws IOException {
        reachable();
        whileListing.run();
        return new DetachedListing(detached, unlisted);
    }

    @Override
    public void attach(String jid, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        reachable();
        if (listeners.replace(jid, listener) == null) {
            throw new MpdRequestException("no job " + jid);
        }
    }

    @Override
    public void release(String jid) throws IOException {
        reachable();
        actions.add("release " + jid);
    }

    @Override
    public void kill(String jid, int signal) throws IOException {
        reachable();
        actions.add("kill " + jid + " " + signal);
    }

    @Override
    public SignalDelivery signal(String jid, int signal, int rank, boolean group) throws IOException {
        reachable();
        actions.add("signal " + jid + " " + signal + " rank " + rank + (group ? " group" : " single"));
        whileSignalling.run();
        List<Integer> reached = new ArrayList<>();
        for (int r = 0; r < sizes.get(jid); r++) {
            if (rank < 0 || r == rank) {
                reached.add(r);
            }
        }
        return new SignalDelivery(reached, List.of());
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
