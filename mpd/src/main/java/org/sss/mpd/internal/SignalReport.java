package org.sss.mpd.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;

/**
 * A signal's delivery report being gathered at a job's root: the hosts that still have to say which of their ranks
 * they signalled, and what the others said. When every host has answered, or the root stops waiting, the console
 * gets {@code sigjob-done} with the ranks the signal reached and those it did not (ended, or on a host that did
 * not answer). Thread-safe.
 */
final class SignalReport {
    private final long request;
    private final String token;
    private final String jid;
    private final Link console;
    private final Map<String, List<Integer>> waiting;
    private final TreeSet<Integer> expected = new TreeSet<>();
    private final TreeSet<Integer> delivered = new TreeSet<>();
    private ScheduledFuture<?> timeout;

    /**
     * @param request     the root's id for this report
     * @param token       the console's id for it, echoed in the answer
     * @param jid         the job
     * @param console     who asked
     * @param ranksByHost the ranks each host was asked to signal
     */
    SignalReport(long request, String token, String jid, Link console, Map<String, List<Integer>> ranksByHost) {
        this.request = request;
        this.token = token;
        this.jid = jid;
        this.console = console;
        this.waiting = new java.util.HashMap<>(ranksByHost);
        ranksByHost.values().forEach(expected::addAll);
    }

    /** @return the root's id for this report */
    long request() {
        return request;
    }

    /** @return who asked */
    Link console() {
        return console;
    }

    /** @param future the pending end of the wait, cancelled when every host answered */
    synchronized void timeout(ScheduledFuture<?> future) {
        this.timeout = future;
    }

    synchronized void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /**
     * @param host       a host that answered, or that cannot answer
     * @param ranks      the ranks it signalled, comma-separated; null if it cannot be reached
     * @return whether every host has now answered
     */
    synchronized boolean hostReported(String host, String ranks) {
        if (waiting.remove(host) == null) {
            return waiting.isEmpty();
        }
        if (ranks != null && !ranks.isEmpty()) {
            for (String rank : ranks.split(",")) {
                try {
                    delivered.add(Integer.parseInt(rank));
                } catch (NumberFormatException e) {
                    // A malformed entry counts as not delivered.
                }
            }
        }
        return waiting.isEmpty();
    }

    /** @return the answer for the console: ranks reached, ranks missed */
    synchronized MpdMessage result() {
        StringBuilder reached = new StringBuilder();
        StringBuilder missed = new StringBuilder();
        for (int rank : expected) {
            StringBuilder into = delivered.contains(rank) ? reached : missed;
            into.append(into.isEmpty() ? "" : ",").append(rank);
        }
        return ConsoleMessages.signalDelivered(jid, token, reached.toString(), missed.toString());
    }
}
