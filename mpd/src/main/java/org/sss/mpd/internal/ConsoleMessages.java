package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an mpd tells a job's console: the job's events ({@code job-launched}, {@code job-spawned}, {@code job-out},
 * {@code job-exit}, {@code job-coexit}, {@code job-dropped}, {@code job-done}), the replies to job requests
 * ({@code ok}, {@code error}, {@code sigjob-done}) and a singleton's ({@code singleton-ok}, {@code pmi-reply}).
 * They are built here, in one place, because two clients parse them — {@code MpdConsole} and mpiexec.c — and
 * docs/MPD-PROTOCOL.md describes them; the golden-message test holds this class and mpiexec.c to the same bytes.
 * Field order is part of the form. A field given as null is left out. Stateless.
 */
final class ConsoleMessages {
    private ConsoleMessages() {
    }

    /**
     * @param spec the placed job
     * @return {@code job-launched}: its id, size and tree hosts; a detached job's tag and each rank's host too
     */
    static MpdMessage launched(JobSpec spec) {
        boolean detached = spec.supervision().detached();
        return MpdMessage.of("job-launched").with("jid", spec.jid()).with("size", spec.size())
                .with("hosts", String.join(",", spec.treeHosts())).with("stdin-window", StdinWriter.WINDOW)
                .with("tag", detached ? spec.supervision().tag() : null)
                .with("place", detached ? String.join(",", placedHosts(spec)) : null).build();
    }

    private static List<String> placedHosts(JobSpec spec) {
        List<String> hosts = new ArrayList<>(spec.size());
        for (int host : spec.rankHost()) {
            hosts.add(spec.treeHosts().get(host));
        }
        return hosts;
    }

    /**
     * @param jid   the job
     * @param host  the mpd that started the processes
     * @param lines {@code RANK PID} per rank and {@code co PID} per co-process, each ending in a newline
     * @return {@code job-spawned}, sent by a detached job's hosts and passed to the console as it came
     */
    static MpdMessage spawned(String jid, String host, String lines) {
        return MpdMessage.of("job-spawned").with("jid", jid).with("host", host)
                .body(lines.getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * @param jid  the job
     * @param rank the rank
     * @param fd   1 for standard output, 2 for standard error
     * @param data the bytes as read
     * @return {@code job-out}, sent by the rank's host and passed up the tree to the console as it came
     */
    static MpdMessage rankOutput(String jid, int rank, int fd, byte[] data) {
        return MpdMessage.of("job-out").with("jid", jid).with("rank", rank).with("fd", fd).body(data).build();
    }

    /**
     * @param jid   the job
     * @param total the bytes of input rank 0's pipe has taken so far
     * @return {@code job-stdin-ok}, sent by rank 0's host and passed up the tree to the console, which may then send
     *         up to {@code stdin-window} bytes beyond the total
     */
    static MpdMessage stdinTaken(String jid, long total) {
        return MpdMessage.of("job-stdin-ok").with("jid", jid).with("bytes", total).build();
    }

    /**
     * @param jid  the job
     * @param host the co-process's mpd
     * @param fd   1 for standard output, 2 for standard error
     * @param data the bytes as read
     * @return {@code job-out} of a co-process ({@code rank=-1}), passed to the console as it came
     */
    static MpdMessage coOutput(String jid, String host, int fd, byte[] data) {
        return MpdMessage.of("job-out").with("jid", jid).with("rank", -1).with("co", host).with("fd", fd).body(data).build();
    }

    /**
     * @param jid    the job
     * @param rank   the rank
     * @param status its exit status (128+signal for a signal, 255 for a lost host)
     * @param host   its mpd
     * @param signal the signal that ended it, or null
     * @param pid    its pid, or null
     * @param why    why it failed when the status alone does not say, or null
     * @return {@code job-exit} as the root tells the console
     */
    static MpdMessage rankExited(String jid, int rank, int status, String host, String signal, String pid, String why) {
        return MpdMessage.of("job-exit").with("jid", jid).with("rank", rank).with("status", status).with("host", host)
                .with("signal", signal).with("pid", pid).with("why", why).build();
    }

    /**
     * @param jid    the job
     * @param host   the co-process's mpd
     * @param pid    its pid, 0 if it never started
     * @param status its exit status
     * @param signal the signal that ended it, or null
     * @param why    what went wrong, or null
     * @return {@code job-coexit}, to be built: sent by the co-process's host and passed to the console as it came, but
     *         for what the last end of a job on a host carries up ({@code cpu peak exceeded}), which the root takes
     */
    static MpdMessage.Builder coExited(String jid, String host, int pid, int status, Integer signal, String why) {
        return MpdMessage.of("job-coexit").with("jid", jid).with("host", host).with("pid", pid).with("status", status)
                .with("signal", signal).with("why", why);
    }

    /**
     * @param jid   a detached job
     * @param bytes output the root did not keep for replay
     * @return {@code job-dropped}, after a replay that lacks output
     */
    static MpdMessage dropped(String jid, long bytes) {
        return MpdMessage.of("job-dropped").with("jid", jid).with("bytes", bytes).build();
    }

    /**
     * @param jid    the job
     * @param status its exit status
     * @param reason what went wrong, or null
     * @return {@code job-done}, the job's last event
     */
    static MpdMessage done(String jid, int status, String reason) {
        return MpdMessage.of("job-done").with("jid", jid).with("status", status).with("reason", reason).build();
    }

    /**
     * @param jid    the job
     * @param status its exit status
     * @param reason why it failed, or null
     * @param usage  what its processes used, when its hosts measured it
     * @return {@code job-done}, with {@code cpu} (nanoseconds) and {@code peak} (bytes) when measured
     */
    static MpdMessage done(String jid, int status, String reason, UsageTally usage) {
        MpdMessage.Builder done = MpdMessage.of("job-done").with("jid", jid).with("status", status).with("reason", reason);
        if (usage.measured()) {
            done.with("cpu", usage.cpuNanos()).with("peak", usage.peakBytes());
        }
        return done.build();
    }

    /**
     * @param jid       the job
     * @param report    the console's token for the report
     * @param delivered ranks the signal reached, comma-separated
     * @param missed    ranks it did not, comma-separated
     * @return {@code sigjob-done}
     */
    static MpdMessage signalDelivered(String jid, String report, String delivered, String missed) {
        return MpdMessage.of("sigjob-done").with("jid", jid).with("report", report).with("delivered", delivered)
                .with("missed", missed).build();
    }

    /**
     * @param jid the job the request was about
     * @return {@code ok}
     */
    static MpdMessage ok(String jid) {
        return MpdMessage.of("ok").with("jid", jid).build();
    }

    /**
     * @param jid the job a {@code release} named
     * @return {@code ok} saying the mpd knows no such job (it was released already, or never led here)
     */
    static MpdMessage okUnknown(String jid) {
        return MpdMessage.of("ok").with("jid", jid).with("unknown", 1).build();
    }

    /**
     * @param jid    the job the request was about, or null
     * @param report the request's report token, or null
     * @param msg    what is wrong, for a person
     * @return {@code error}
     */
    static MpdMessage error(String jid, String report, String msg) {
        return MpdMessage.of("error").with("jid", jid).with("report", report).with("msg", msg).build();
    }

    /**
     * @param jid     the singleton's one-rank job
     * @param kvsname its key-value space
     * @return {@code singleton-ok}
     */
    static MpdMessage singletonOk(String jid, String kvsname) {
        return MpdMessage.of("singleton-ok").with("jid", jid).with("kvsname", kvsname).build();
    }

    /**
     * @param jid   the singleton's job
     * @param lines PMI reply lines, each ending in a newline
     * @return {@code pmi-reply}, for mpiexec to pass to the program
     */
    static MpdMessage pmiReply(String jid, String lines) {
        return MpdMessage.of("pmi-reply").with("jid", jid).body(lines.getBytes(StandardCharsets.UTF_8)).build();
    }
}
