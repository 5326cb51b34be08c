package org.sss.sssjob.internal.slurm;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Job;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;

/**
 * How scontrol acts on the jobs its ids name ({@code hold}, {@code release}, {@code requeue}, {@code update}): each
 * Slurm id ({@code 17}: the job or every element of array 17; {@code 17_3}) chooses the caller's jobs in the states
 * the action applies to, which get one request; an id naming none of the caller's jobs, none in those states, or a
 * refusal is an error for that id, and the other ids are still acted on. Stateless.
 *
 * @param states     the states ({@code queued}, {@code held}, {@code running}) the action applies to
 * @param notInState what is said of an id whose jobs are in none of them
 * @param leftNote   what is said after the count of an array's elements in other states, or null to say nothing
 * @param request    the request for the chosen jobs' ids
 */
record ScontrolTargets(Set<String> states, String notInState, String leftNote, Function<List<String>, byte[]> request) {
    /**
     * @param invocation the process
     * @param ids        checked Slurm ids
     * @param socket     the queue manager's socket, or null
     * @return the exit status: 0, 1 when an id named no job or none in the states, or the worst refusal's
     * @throws CliException when the queue manager cannot be reached
     */
    int actOn(Invocation invocation, List<String> ids, String socket) throws CliException {
        int status = ExitStatus.OK;
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            List<Job> all = client.allJobs(after -> Requests.jobQueryPage(List.of("*"), null, after));
            for (String id : ids) {
                List<Job> named = all.stream().filter(job -> SlurmJobs.matchesId(job, id)).toList();
                if (named.isEmpty()) {
                    invocation.err().println("Invalid job id specified for job " + id);
                    status = Math.max(status, ExitStatus.REFUSED);
                    continue;
                }
                List<Job> chosen = named.stream().filter(job -> states.contains(job.state())).toList();
                if (chosen.isEmpty()) {
                    invocation.err().println(invocation.program() + ": error: job " + id + ": " + notInState);
                    status = Math.max(status, ExitStatus.REFUSED);
                    continue;
                }
                if (leftNote != null && chosen.size() < named.size()) {
                    invocation.err().println(invocation.program() + ": job " + id + ": "
                            + (named.size() - chosen.size()) + " element(s) " + leftNote);
                }
                try {
                    client.jobs(request.apply(chosen.stream().map(Job::id).toList()));
                } catch (CliException e) {
                    if (e.status() == ExitStatus.UNREACHABLE) {
                        throw e;
                    }
                    invocation.err().println(invocation.program() + ": error: job " + id + ": " + e.getMessage());
                    status = Math.max(status, e.status());
                }
            }
        }
        return status;
    }
}
