package org.sss.queuemanager.internal;

import java.util.Collection;
import java.util.Map;
import org.sss.schema.JobState;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;

/** Jobs as the queue manager reports them ({@code <jobs><job …/></jobs>}). */
final class JobReplies {
    private JobReplies() {
    }

    /**
     * @param jobs jobs
     * @return the reply listing them
     */
    static Jobs of(Collection<Job> jobs) {
        Jobs reply = new Jobs();
        jobs.forEach(job -> reply.getJob().add(of(job)));
        return reply;
    }

    /**
     * A query's reply: as {@link #of(Collection)}, and a waiting job with dependencies says whether they are met
     * now and, when not, which one it waits for (a scheduler plans only jobs whose dependencies are met).
     *
     * @param jobs  jobs
     * @param table the table, to look the dependencies up in
     * @param notes the scheduler's notes on queued jobs (why they wait), shown unless a dependency says more
     * @return the reply listing them
     */
    static Jobs ofQuery(Collection<Job> jobs, JobTable table, Map<String, SchedulerNote> notes) {
        Jobs reply = new Jobs();
        for (Job job : jobs) {
            JobType type = of(job);
            SchedulerNote note = notes.get(job.id());
            if (note != null && job.state() == Job.State.QUEUED) {
                type.setReason(note.reason());
                type.setExpectedStart(note.expectedStart());
                type.setExpectedNodes(note.expectedNodes());
            }
            if ((job.state() == Job.State.QUEUED || job.state() == Job.State.HELD) && !job.spec().depend().isEmpty()) {
                Dependencies.Status status = Dependencies.of(table, job);
                type.setDependenciesMet(status.verdict() == Dependencies.Verdict.MET);
                if (status.verdict() != Dependencies.Verdict.MET && job.state() == Job.State.QUEUED) {
                    type.setReason(status.why());
                }
            }
            reply.getJob().add(type);
        }
        return reply;
    }

    /**
     * @param job a job
     * @return its description
     */
    static JobType of(Job job) {
        Job.JobSpec spec = job.spec();
        JobType type = new JobType();
        type.setId(job.id());
        type.setName(spec.name());
        type.setUser(spec.user());
        type.setQueue(spec.queue());
        type.setState(JobState.fromValue(job.state().xmlName()));
        if (job.held()) {
            type.setHold(job.hold() == Job.Hold.OPERATOR ? "operator" : "user");
        }
        type.setNodes(spec.nodes());
        type.setPpn(spec.ppn());
        type.setWalltime(spec.walltime());
        type.setPriority(spec.priority());
        type.setAccount(blankToNull(spec.account()));
        type.setWorkdir(spec.workdir());
        type.setSubmitHost(blankToNull(spec.submitHost()));
        type.setScriptName(spec.scriptName());
        type.setOutputPath(spec.outputPath());
        type.setErrorPath(spec.errorPath());
        type.setJoin(spec.join());
        type.setDepend(blankToNull(spec.depend()));
        type.setArrayIndex(job.arrayIndex());
        type.setArray(job.arrayIndex() == null ? null : job.sequence() + "[]");
        type.setArrayLimit(spec.arrayLimit());
        type.setBegin(spec.begin());
        type.setRequiredNodes(NodeChoice.stored(spec.nodeChoice().required()));
        type.setExcludedNodes(NodeChoice.stored(spec.nodeChoice().excluded()));
        type.setFeatures(NodeChoice.stored(spec.nodeChoice().features()));
        type.setGpus(spec.nodeChoice().gpus() > 0 ? spec.nodeChoice().gpus() : null);
        type.setReservation(spec.reservation());
        type.setRerunnable(spec.rerunnable() ? null : Boolean.FALSE);
        type.setQos(spec.qos());
        type.setEndSignal(spec.endSignal() == null ? null : spec.endSignal().toString());
        type.setMailEvents(blankToNull(spec.mailEvents()));
        type.setMailUsers(blankToNull(spec.mailUsers()));
        type.setSubmitted(job.submitted());
        type.setStarted(job.started());
        type.setEnded(job.ended());
        type.setAllocated(job.allocated().isEmpty() ? null : String.join(" ", job.allocated()));
        type.setPgid(job.pgid());
        type.setExitStatus(job.exitStatus());
        type.setReason(blankToNull(job.reason()));
        type.setRuns(job.runs());
        JobLimits limits = job.spec().limits();
        type.setMem(limits.memory() > 0 ? limits.memory() : null);
        type.setPmem(limits.processMemory() > 0 ? limits.processMemory() : null);
        type.setVmem(limits.virtualMemory() > 0 ? limits.virtualMemory() : null);
        type.setCput(limits.cpuSeconds() > 0 ? limits.cpuSeconds() : null);
        if (job.usage().cpuMillis() != null) {
            type.setCpuTime(java.math.BigDecimal.valueOf(job.usage().cpuMillis(), 3));
        }
        type.setMaxMemory(job.usage().maxMemoryBytes());
        return type;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
