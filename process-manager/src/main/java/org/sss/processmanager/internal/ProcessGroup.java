package org.sss.processmanager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.UnixSignals;
import org.sss.schema.CreatepgType;

/**
 * One process group as the process manager knows it: what was asked for, where it runs on the ring, each rank's
 * host, pid and end, its co-processes, its collected output, and how it ended. Built from the ring's
 * {@link JobEvent}s (again from the start when a console re-attaches after a restart) or from the store for a group
 * that ended. {@link #recorded()} completes once the end is durably stored. Thread-safe.
 */
final class ProcessGroup {
    /** Lifecycle of a group. */
    enum State {
        /** Recorded, being launched. */
        STARTING,
        /** On the ring. */
        RUNNING,
        /** Every rank accounted for. */
        ENDED;

        /** @return the name in the schema */
        String xml() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A co-process on one host.
     *
     * @param host   where
     * @param exec   the program
     * @param pid    its pid, 0 if it did not start
     * @param status its exit status, or null while it runs
     * @param reason why it failed, or null
     */
    record CoProcess(String host, String exec, int pid, Integer status, String reason) {
    }

    /**
     * A rank as known now.
     *
     * @param rank   the rank
     * @param host   its host, or null before placement
     * @param pid    its pid, or 0 before it started
     * @param exec   its program
     * @param status its exit status, or -1 while it runs
     * @param signal the signal that ended it, or 0
     */
    record Rank(int rank, String host, int pid, String exec, int status, int signal) {
        /** @return starting, running or exited */
        String state() {
            return status >= 0 ? "exited" : pid > 0 ? "running" : "starting";
        }

        /** @return the signal's name, or null */
        String signalName() {
            return signal == 0 ? null : UnixSignals.name(signal);
        }
    }

    private final String pgid;
    private final String tag;
    private final long number;
    private final String submitter;
    private final String creator;
    private final int totalprocs;
    private final String outputMode;
    private final byte[] request;
    private final CreatepgType spec;
    private final Instant created;
    private final String[] execOfRank;
    private final String[] coExecOfRank;
    private final OutputCollector output;
    private final CompletableFuture<Void> recorded = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicInteger signalsInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private State state = State.STARTING;
    private String jid;
    private final String[] hostOfRank;
    private final int[] pid;
    private final int[] status;
    private final int[] signal;
    private final List<CoProcess> coProcesses = new ArrayList<>();
    private int exitStatus = -1;
    private String reason;
    /** What its processes used, as the ring's hosts measured it; null when none did. */
    private JobEvent.Usage usage;
    private Instant ended;
    private boolean released;
    private volatile boolean stored;

    /**
     * @param pgid        its id
     * @param tag         its job's tag on the ring ({@code pg:PGID:NONCE})
     * @param number      its creation order
     * @param submitter   whom it belongs to
     * @param creator     the principal that created it
     * @param outputMode  label, merged or discard
     * @param request     the create request as received
     * @param spec        the create request, parsed
     * @param created     when
     * @param execOfRank  each rank's program
     * @param coExecOfRank each rank's set's co-process, or empty
     * @param outputLimit bytes kept per stream
     */
    ProcessGroup(String pgid, String tag, long number, String submitter, String creator, String outputMode, byte[] request,
                 CreatepgType spec, Instant created, String[] execOfRank, String[] coExecOfRank, long outputLimit) {
        this.pgid = pgid;
        this.tag = tag;
        this.number = number;
        this.submitter = submitter;
        this.creator = creator;
        this.totalprocs = execOfRank.length;
        this.outputMode = outputMode;
        this.request = request.clone();
        this.spec = spec;
        this.created = created;
        this.execOfRank = execOfRank.clone();
        this.coExecOfRank = coExecOfRank.clone();
        this.output = new OutputCollector(outputMode, outputLimit);
        this.hostOfRank = new String[totalprocs];
        this.pid = new int[totalprocs];
        this.status = new int[totalprocs];
        this.signal = new int[totalprocs];
        Arrays.fill(status, -1);
    }

    String pgid() {
        return pgid;
    }

    long number() {
        return number;
    }

    String tag() {
        return tag;
    }

    String submitter() {
        return submitter;
    }

    String creator() {
        return creator;
    }

    int totalprocs() {
        return totalprocs;
    }

    String outputMode() {
        return outputMode;
    }

    byte[] request() {
        return request.clone();
    }

    CreatepgType spec() {
        return spec;
    }

    Instant created() {
        return created;
    }

    /** @return completes when the group's end is stored */
    CompletableFuture<Void> recorded() {
        return recorded;
    }

    synchronized State state() {
        return state;
    }

    synchronized String jid() {
        return jid;
    }

    /** @return the mpd that leads its job, from the job id */
    synchronized String rootId() {
        return jid == null ? null : jid.substring(jid.indexOf('@') + 1);
    }

    synchronized int exitStatus() {
        return exitStatus;
    }

    synchronized String reason() {
        return reason;
    }

    /** @return what its processes used, as the ring measured it, or null */
    synchronized JobEvent.Usage usage() {
        return usage;
    }

    synchronized Instant ended() {
        return ended;
    }

    synchronized boolean released() {
        return released;
    }

    synchronized void markReleased() {
        released = true;
    }

    /**
     * Counts a signal being delivered (with its event still to be written), so that the group's end, which the
     * signal may bring about at once, is recorded after the signal's event: the events of a group stay in order.
     *
     * @param delta +1 when the delivery starts, -1 once its event is written (or it failed)
     */
    void signalling(int delta) {
        signalsInFlight.addAndGet(delta);
    }

    /** @return whether a signal's delivery and event are under way (see {@link #signalling}) */
    boolean signalInFlight() {
        return signalsInFlight.get() > 0;
    }

    /** @return whether the group is in the store (its end can only be stored after it) */
    boolean stored() {
        return stored;
    }

    /** The group is in the store. */
    void markStored() {
        stored = true;
    }

    /** @return its collected output */
    OutputCollector output() {
        return output;
    }

    /**
     * @param newJid the job the ring runs it as
     */
    synchronized void launched(String newJid) {
        this.jid = newJid;
        if (state == State.STARTING) {
            state = State.RUNNING;
        }
        settled.complete(null);
    }

    /** Marks the group forgotten (no longer in the table): a create waiting for it to settle goes on. */
    void forgotten() {
        settled.complete(null);
    }

    /**
     * Waits until the group is no longer starting (launched, or forgotten): a create asked again while the first is
     * launching it, or while the process manager resolves it after a restart.
     *
     * @param wait the longest wait
     * @throws SssException timed-out if it is still starting then (asking again is safe)
     */
    void awaitSettled(Duration wait) throws SssException {
        try {
            settled.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SssException(ErrorCode.TIMED_OUT, "process group " + pgid + " is still being launched; ask again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SssException(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            throw new SssException(ErrorCode.INTERNAL_ERROR, "waiting failed: " + e.getCause());
        }
    }

    /** Forgets what the ring told so far: it is about to be told again from the start (re-attach). */
    synchronized void resetForReplay() {
        if (state == State.ENDED) {
            return;
        }
        Arrays.fill(pid, 0);
        Arrays.fill(status, -1);
        Arrays.fill(signal, 0);
        coProcesses.clear();
        output.reset();
    }

    /**
     * Applies an event from the ring.
     *
     * @param event the event
     * @return the end, if this event ended the group (its ranks' details are then final)
     */
    synchronized JobEvent.Ended apply(JobEvent event) {
        if (state == State.ENDED) {
            return null;
        }
        switch (event) {
            case JobEvent.Launched launched -> {
                jid = launched.jid();
                state = State.RUNNING;
                for (int r = 0; r < totalprocs && r < launched.hostOfRank().size(); r++) {
                    hostOfRank[r] = launched.hostOfRank().get(r);
                }
            }
            case JobEvent.Spawned spawned -> {
                spawned.pidOfRank().forEach((rank, p) -> {
                    if (rank >= 0 && rank < totalprocs) {
                        pid[rank] = p;
                        hostOfRank[rank] = spawned.host();
                    }
                });
                boolean known = coProcesses.stream().anyMatch(co -> co.host().equals(spawned.host())
                        && co.pid() == spawned.coProcess());
                if (spawned.coProcess() > 0 && !known) {
                    coProcesses.add(new CoProcess(spawned.host(), coExec(spawned.host()), spawned.coProcess(), null, null));
                }
            }
            case JobEvent.Output out -> output.add(out.rank(), out.coHost(), out.stream(), out.data());
            case JobEvent.RankExited exit -> {
                if (exit.rank() >= 0 && exit.rank() < totalprocs) {
                    status[exit.rank()] = exit.status();
                    signal[exit.rank()] = exit.signal();
                    if (exit.pid() > 0) {
                        pid[exit.rank()] = exit.pid();
                    }
                    if (!exit.host().isEmpty()) {
                        hostOfRank[exit.rank()] = exit.host();
                    }
                }
            }
            case JobEvent.CoProcessExited exit -> coExited(exit);
            case JobEvent.OutputDropped dropped -> output.markTruncated();
            case JobEvent.Ended end -> {
                usage = end.usage();
                end(end.status(), end.reason(), Instant.now());
                return end;
            }
            case JobEvent.Disconnected disconnected -> {
                return null;
            }
        }
        return null;
    }

    private String coExec(String host) {
        for (int r = 0; r < totalprocs; r++) {
            if (host.equals(hostOfRank[r]) && !coExecOfRank[r].isEmpty()) {
                return coExecOfRank[r];
            }
        }
        return "";
    }

    /** A co-process's end; it may come before the host's report that started it (they travel separately). */
    private void coExited(JobEvent.CoProcessExited exit) {
        for (int i = 0; i < coProcesses.size(); i++) {
            CoProcess co = coProcesses.get(i);
            if (co.host().equals(exit.host()) && co.pid() == exit.pid() && co.status() == null) {
                coProcesses.set(i, new CoProcess(co.host(), co.exec(), co.pid(), exit.status(), exit.why()));
                return;
            }
        }
        coProcesses.add(new CoProcess(exit.host(), coExec(exit.host()), exit.pid(), exit.status(), exit.why()));
    }

    /**
     * Ends the group without the ring's word (its job was lost); ranks not accounted for get the status too.
     *
     * @param newStatus the group's exit status
     * @param why       what happened
     * @param when      when it was noticed
     */
    synchronized void end(int newStatus, String why, Instant when) {
        if (state == State.ENDED) {
            return;
        }
        for (int r = 0; r < totalprocs; r++) {
            if (status[r] < 0) {
                status[r] = newStatus;
            }
        }
        state = State.ENDED;
        exitStatus = newStatus;
        ended = when;
        output.finish();
        reason = EndReason.of(why, newStatus, output.stderr());
    }

    /**
     * Restores a stored end.
     *
     * @param end      the end
     * @param storedJid its ring job
     * @param wasReleased whether the ring already forgot it
     */
    synchronized void restore(GroupStore.GroupEnd end, String storedJid, boolean wasReleased) {
        jid = storedJid;
        for (GroupStore.ProcessEnd process : end.processes()) {
            if (process.rank() >= 0 && process.rank() < totalprocs) {
                hostOfRank[process.rank()] = process.host();
                pid[process.rank()] = process.pid();
                status[process.rank()] = process.status();
                signal[process.rank()] = process.signal();
            }
        }
        coProcesses.clear();
        for (GroupStore.CoProcessRecord co : end.coProcesses()) {
            coProcesses.add(new CoProcess(co.host(), co.exec(), co.pid(), co.status(), co.reason()));
        }
        output.restore(end.stdout(), end.stderr(), end.stdoutTruncated(), end.stderrTruncated());
        state = State.ENDED;
        exitStatus = end.exitStatus();
        reason = end.reason();
        ended = end.ended();
        usage = end.usage();
        released = wasReleased;
        stored = true;
        recorded.complete(null);
    }

    /** @return every rank as known now */
    synchronized List<Rank> ranks() {
        List<Rank> ranks = new ArrayList<>(totalprocs);
        for (int r = 0; r < totalprocs; r++) {
            ranks.add(new Rank(r, hostOfRank[r], pid[r], execOfRank[r], status[r], signal[r]));
        }
        return ranks;
    }

    /** @return its co-processes as known now */
    synchronized List<CoProcess> coProcesses() {
        return List.copyOf(coProcesses);
    }

    /** @return the end to store, built from the current state (call once ended) */
    synchronized GroupStore.GroupEnd endRecord() {
        List<GroupStore.ProcessEnd> processes = new ArrayList<>();
        for (int r = 0; r < totalprocs; r++) {
            processes.add(new GroupStore.ProcessEnd(r, hostOfRank[r], pid[r], status[r], signal[r]));
        }
        List<GroupStore.CoProcessRecord> cos = new ArrayList<>();
        for (CoProcess co : coProcesses) {
            cos.add(new GroupStore.CoProcessRecord(co.host(), co.exec(), co.pid(), co.status(), co.reason()));
        }
        return new GroupStore.GroupEnd(pgid, exitStatus, reason, ended, processes, cos, output.stdout(), output.stderr(),
                output.stdoutTruncated(), output.stderrTruncated(), usage);
    }
}
