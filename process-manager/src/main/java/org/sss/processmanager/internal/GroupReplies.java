package org.sss.processmanager.internal;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sss.mpd.client.SignalDelivery;
import org.sss.schema.CoProcessType;
import org.sss.schema.ExitCodeType;
import org.sss.schema.PgSpec;
import org.sss.schema.PgState;
import org.sss.schema.PgType;
import org.sss.schema.ProcState;
import org.sss.schema.ProcType;
import org.sss.schema.ProcessGroups;
import org.sss.schema.StreamType;

/**
 * Builds the {@code <process-groups>} replies from process groups: the short form (kill, delete), the full
 * information (get-process-group-info: the request's specs, every process, co-processes), the end (wait: exit
 * codes and base64 output) and signal reports (each process with whether the signal reached it). Stateless.
 */
final class GroupReplies {
    private GroupReplies() {
    }

    /** What a reply shows of each group. */
    enum Detail {
        /** pgid, submitter, totalprocs, state, exit status. */
        BRIEF,
        /** Also the request's specs, every process and co-process. */
        INFO,
        /** Also exit codes and the collected output. */
        WAIT
    }

    /**
     * @param groups the groups
     * @param detail how much of each
     * @return the reply
     */
    static ProcessGroups of(List<ProcessGroup> groups, Detail detail) {
        ProcessGroups reply = new ProcessGroups();
        for (ProcessGroup group : groups) {
            reply.getProcessGroup().add(group(group, detail));
        }
        return reply;
    }

    /**
     * @param group    a signalled group
     * @param delivery which ranks got the signal
     * @return the group with each process and whether the signal reached it
     */
    static PgType signalled(ProcessGroup group, SignalDelivery delivery) {
        PgType type = group(group, Detail.BRIEF);
        Set<Integer> reached = new HashSet<>(delivery.delivered());
        Set<Integer> asked = new HashSet<>(delivery.delivered());
        asked.addAll(delivery.missed());
        for (ProcessGroup.Rank rank : group.ranks()) {
            if (asked.contains(rank.rank())) {
                ProcType process = process(rank);
                process.setDelivered(reached.contains(rank.rank()));
                type.getProcess().add(process);
            }
        }
        return type;
    }

    /**
     * Sets an ended group's {@code cpu-time} (seconds: the sum over its hosts) and {@code max-memory} (bytes: the
     * sum over its hosts of each host's peak) when the ring measured them.
     *
     * @param type  the group's element
     * @param usage what the ring measured, or null
     */
    static void setUsage(PgType type, org.sss.mpd.client.JobEvent.Usage usage) {
        if (usage != null) {
            type.setCpuTime(java.math.BigDecimal.valueOf(usage.cpuNanos(), 9).setScale(3, java.math.RoundingMode.HALF_UP));
            type.setMaxMemory(usage.peakBytes());
        }
    }

    static PgType group(ProcessGroup group, Detail detail) {
        PgType type = new PgType();
        type.setPgid(group.pgid());
        type.setSubmitter(group.submitter());
        type.setTotalprocs(Integer.toString(group.totalprocs()));
        type.setOutputMode(group.outputMode());
        type.setState(PgState.fromValue(group.state().xml()));
        type.setCreated(group.created());
        type.setRingJob(group.jid());
        if (group.state() == ProcessGroup.State.ENDED) {
            type.setExitStatus(group.exitStatus());
            type.setReason(group.reason());
            type.setEnded(group.ended());
            setUsage(type, group.usage());
        }
        if (detail == Detail.BRIEF) {
            return type;
        }
        if (detail == Detail.INFO) {
            for (Object item : group.spec().getProcessSpecOrHostSpec()) {
                if (item instanceof PgSpec spec) {
                    type.getProcessSpec().add(spec);
                }
            }
            for (Object item : group.spec().getProcessSpecOrHostSpec()) {
                if (item instanceof String hosts) {
                    type.getHostSpec().add(hosts);
                }
            }
            for (ProcessGroup.Rank rank : group.ranks()) {
                type.getProcess().add(process(rank));
            }
        }
        for (ProcessGroup.CoProcess co : group.coProcesses()) {
            CoProcessType coType = new CoProcessType();
            coType.setHost(co.host());
            coType.setExec(co.exec());
            coType.setPid(co.pid() > 0 ? Integer.toString(co.pid()) : null);
            coType.setState(co.status() == null ? ProcState.RUNNING : ProcState.EXITED);
            coType.setExitStatus(co.status());
            coType.setReason(co.reason());
            type.getCoProcess().add(coType);
        }
        if (detail == Detail.WAIT) {
            for (ProcessGroup.Rank rank : group.ranks()) {
                ExitCodeType exit = new ExitCodeType();
                exit.setHost(rank.host() == null ? "" : rank.host());
                exit.setPid(Integer.toString(rank.pid()));
                exit.setRank(rank.rank());
                exit.setStatus(rank.status());
                type.getExitCode().add(exit);
            }
            if (!"discard".equals(group.outputMode())) {
                OutputCollector output = group.output();
                type.setOutputStream(stream(output.stdout(), output.stdoutTruncated()));
                type.setErrorStream(stream(output.stderr(), output.stderrTruncated()));
            }
        }
        return type;
    }

    private static ProcType process(ProcessGroup.Rank rank) {
        ProcType process = new ProcType();
        process.setRank(rank.rank());
        process.setHost(rank.host());
        process.setExec(rank.exec());
        if (rank.pid() > 0) {
            process.setPid(Integer.toString(rank.pid()));
            process.setSession(Integer.toString(rank.pid()));
        }
        process.setState(ProcState.fromValue(rank.state()));
        if (rank.status() >= 0) {
            process.setExitStatus(rank.status());
            process.setSignal(rank.signalName());
        }
        return process;
    }

    private static StreamType stream(byte[] bytes, boolean truncated) {
        StreamType stream = new StreamType();
        stream.setEncoding("base64");
        stream.setValue(Base64.getEncoder().encodeToString(bytes));
        if (truncated) {
            stream.setTruncated(true);
        }
        return stream;
    }
}
