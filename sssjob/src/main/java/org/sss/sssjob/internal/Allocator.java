package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gets an allocation for sssjob alloc and run, and gives it back: submits the {@link HolderScript} as a normal job
 * (queued and scheduled like any other, visible in qstat), waits for it to start and hand over its key, and at the
 * end releases it with the command's exit status and waits until the job has completed, so its accounting record
 * carries that status. A SIGINT, SIGTERM or SIGHUP while waiting cancels the job.
 */
final class Allocator {
    private static final long FIRST_POLL_MILLIS = 50;
    private static final long MAX_POLL_MILLIS = 1000;
    /** How long a started job may take to hand its allocation over before the login host gives up on it. */
    private static final long HANDOVER_MILLIS = 60_000;

    private final Invocation invocation;
    private final JobsClient client;
    private final AtomicInteger signalled = new AtomicInteger();
    private Path output;

    /**
     * @param invocation the process
     * @param client     the queue manager
     */
    Allocator(Invocation invocation, JobsClient client) {
        this.invocation = invocation;
        this.client = client;
    }

    /**
     * Submits the allocation's job and waits until it is granted.
     *
     * @param shape    nodes and processes per node
     * @param args     for -t and -q
     * @param name     the job's name
     * @return the allocation
     * @throws CliException a refusal, a job that ended before it was granted, or a signal while waiting
     */
    Allocation allocate(LaunchArgs.Shape shape, LaunchArgs args, String name) throws CliException {
        Path dir = Allocation.makeDirectory(invocation.environment());
        output = dir.resolve("job-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".out");
        List<String> options = new ArrayList<>(List.of("-N", name, "-j", "oe", "-o", output.toString()));
        options.addAll(shape.qsubOptions());
        if (args.walltime() != null) {
            options.addAll(List.of("-l", "walltime=" + args.walltime()));
        }
        if (args.queue() != null) {
            options.addAll(List.of("-q", args.queue()));
        }
        if (args.reservation() != null) {
            options.addAll(List.of("-l", "advres=" + args.reservation()));
        }
        if (args.qos() != null) {
            options.addAll(List.of("-l", "qos=" + args.qos()));
        }
        Signals.route(number -> signalled.compareAndSet(0, number));
        Requests.Submission submission = new Requests.Submission("sssjob-" + name, HolderScript.text(dir), options,
                invocation.environment(), invocation.workdir().toString(), HostName.local());
        List<Job> jobs;
        try {
            jobs = client.jobs(Requests.submit(submission));
        } catch (CliException e) {
            throw SrunTerms.of(e);
        }
        if (jobs.isEmpty()) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager acknowledged no job");
        }
        return await(jobs.getFirst().id());
    }

    private Allocation await(String id) throws CliException {
        long pause = FIRST_POLL_MILLIS;
        String told = "";
        long runningSince = 0;
        while (true) {
            int signal = signalled.get();
            if (signal != 0) {
                cancel(id);
                throw new CliException(128 + signal, "job " + id + " cancelled before its allocation was granted");
            }
            Job job = query(id);
            if (job.completed()) {
                throw new CliException(ExitStatus.REFUSED, "job " + id + " ended before its allocation was granted ("
                        + (job.get("reason").isEmpty() ? "exit status " + job.get("exit-status") : job.get("reason"))
                        + ")" + holderSaid());
            }
            if (job.state().equals("running")) {
                var granted = Allocation.read(id, invocation.environment());
                if (granted.isPresent()) {
                    return granted.get();
                }
                runningSince = runningSince == 0 ? System.nanoTime() : runningSince;
                if (System.nanoTime() - runningSince > HANDOVER_MILLIS * 1_000_000) {
                    cancel(id);
                    throw new CliException(ExitStatus.REFUSED, "job " + id + " started, but its allocation did not "
                            + "appear in " + Allocation.directory(invocation.environment()) + " within "
                            + HANDOVER_MILLIS / 1000 + " s (this host must share your home directory with the nodes); "
                            + "job cancelled" + holderSaid());
                }
            } else if (!job.state().equals(told)) {
                told = job.state();
                invocation.err().println(invocation.program() + ": job " + id + " " + told
                        + (job.get("reason").isEmpty() ? "" : " (" + job.get("reason") + ")")
                        + ", waiting for its allocation");
            }
            Pause.sleep(pause);
            pause = Math.min(MAX_POLL_MILLIS, pause * 3 / 2);
        }
    }

    /**
     * @param id a job
     * @return whether it has completed (its walltime, a qdel)
     * @throws CliException when the queue manager cannot say
     */
    boolean ended(String id) throws CliException {
        return query(id).completed();
    }

    /**
     * Releases the allocation with the command's status and waits until its job has completed.
     *
     * @param allocation the allocation
     * @param status     the command's exit status
     * @param bin        the suite's bin directory
     * @return the job's exit status as recorded, or {@code status} if it has none
     * @throws CliException when the queue manager cannot be asked
     */
    int release(Allocation allocation, int status, Path bin) throws CliException {
        allocation.release(Math.clamp(status, 0, 255), invocation.environment(), bin);
        long pause = FIRST_POLL_MILLIS;
        while (true) {
            Job job = query(allocation.id());
            if (job.completed()) {
                if (output != null) {
                    try {
                        Files.deleteIfExists(output);
                    } catch (IOException e) {
                        // a file of the user's; left
                    }
                }
                return job.exitStatus().orElse(status);
            }
            Pause.sleep(pause);
            pause = Math.min(MAX_POLL_MILLIS, pause * 3 / 2);
        }
    }

    private Job query(String id) throws CliException {
        List<Job> jobs = client.jobs(Requests.jobs("job-query", List.of(id), null));
        if (jobs.isEmpty()) {
            throw new CliException(ExitStatus.REFUSED, "job " + id + " is gone from the queue manager");
        }
        return jobs.getFirst();
    }

    private void cancel(String id) {
        try {
            client.jobs(Requests.jobs("job-cancel", List.of(id), null));
        } catch (CliException e) {
            invocation.err().println(invocation.program() + ": could not cancel job " + id + ": " + e.getMessage());
        }
    }

    private String holderSaid() {
        try {
            if (output != null && Files.isRegularFile(output) && Files.size(output) > 0) {
                return ": " + Files.readString(output).strip().replace('\n', ' ');
            }
        } catch (IOException e) {
            // nothing to add
        }
        return "";
    }
}
