package org.sss.mpd.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The signal delivery reports a root is gathering ({@code sigjob} with {@code report=}): each host of the job
 * answers {@code job-signalled} with the ranks it signalled. A report ends when every host has answered, when the
 * hosts that have not are lost or unreachable, or after {@value #WAIT_MILLIS} ms; its console then gets
 * {@code sigjob-done} (see {@link SignalReport}). Thread-safe.
 */
final class SignalReports {
    /** How long the root waits for hosts to report a signal's delivery. */
    static final long WAIT_MILLIS = 5000;
    private final Map<Long, SignalReport> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    /** @param timer where the wait's end is scheduled */
    SignalReports(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** @param report a report to gather, until its hosts have answered or the wait ends */
    void expect(SignalReport report) {
        pending.put(report.request(), report);
        report.timeout(timer.schedule(() -> finish(report), WAIT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /**
     * Handles {@code job-signalled}: a host's report of a signal's delivery, at the root.
     *
     * @param message the report
     * @throws MalformedMessageException if {@code req} or {@code host} is missing
     */
    void onSignalled(MpdMessage message) throws MalformedMessageException {
        SignalReport report = pending.get(message.number("req"));
        if (report != null && report.hostReported(message.require("host"), message.get("delivered"))) {
            finish(report);
        }
    }

    /**
     * @param report a report being gathered
     * @param host   one of its hosts that could not be asked: its ranks count as missed
     */
    void unreachable(SignalReport report, String host) {
        if (report.hostReported(host, null)) {
            finish(report);
        }
    }

    /** @param lost ids of members gone: their ranks count as missed in every report */
    void hostsLost(Set<String> lost) {
        for (SignalReport report : pending.values()) {
            for (String host : lost) {
                if (report.hostReported(host, null)) {
                    finish(report);
                }
            }
        }
    }

    private void finish(SignalReport report) {
        if (pending.remove(report.request()) != null) {
            report.cancelTimeout();
            report.console().trySend(report.result());
        }
    }
}
