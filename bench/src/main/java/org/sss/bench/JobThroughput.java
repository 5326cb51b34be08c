package org.sss.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.client.LocalClient;
import org.sss.lib.config.WireSettings;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.ComponentMain;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.XmlBinding;
import org.sss.schema.JobListType;
import org.sss.schema.JobRestrictionType;
import org.sss.schema.JobSubmit;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.QueueQuery;
import org.sss.schema.Queues;
import org.sss.schema.ScriptType;

/**
 * Batch jobs through a running queue manager, over its Unix-domain socket as sssjob talks to it: C clients each
 * submitting J jobs one after another (a submit is counted when its id comes back, i.e. once it is on disk). Like
 * sssjob, a client sends a ready message and reads the id from the reply without validating it, so that the two
 * cores go to the queue manager rather than to the clients' XML binding.
 * Without {@code --run} the jobs are submitted held (-h), so that only submission is measured; with it they are
 * trivial scripts ({@code true}) that the queue manager starts first-fit, and the run ends when every job has
 * completed: jobs per second end to end.
 *
 * {@code --rounds R} repeats the whole measure R times on the same suite: the first round pays for the
 * components' JIT compiling their hot paths, the later ones show the steady state of a long-running suite.
 *
 * {@code --cpu NAME=PID} (repeated) follows those processes' CPU time (with the children they reaped: an mpd's
 * jobs) over each round and prints it per job, with the benchmark's own, so that rounds can be compared across
 * machines of different speeds.
 *
 * {@code --metrics NAME=URL} (repeated) reads those components' {@code /metrics} before and after each round and prints
 * the request/reply exchanges and events per job ({@link MessageAccount}); {@code --heap NAME=PID} prints that JVM's
 * live heap after each round ({@link HeapReading}).
 *
 * <pre>JobThroughput --socket PATH [--clients C] [--jobs J] [--run] [--rounds R] [--workdir DIR] [--cpu NAME=PID]...
 *               [--metrics NAME=URL]... [--heap NAME=PID]...</pre>
 */
public final class JobThroughput {
    /** Job ids asked for in one job-query when the round is checked (and counted as the benchmark's own). */
    private static final int IDS_PER_QUERY = 1000;
    private static final String SCRIPT = "#!/bin/sh\ntrue\n";
    /** The longest wait for every submitted job to complete (a stuck suite ends the run with exit 1). */
    private static final Duration COMPLETION_DEADLINE = Duration.ofMinutes(10);

    private JobThroughput() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws InterruptedException {
        ComponentMain.logLevel("warn");
        Path socket = null;
        int clients = 1;
        int jobs = 500;
        boolean run = false;
        int rounds = 1;
        String workdir = System.getProperty("java.io.tmpdir");
        Map<String, Long> followed = new LinkedHashMap<>();
        Map<String, java.net.URI> metrics = new LinkedHashMap<>();
        Map<String, Long> heaps = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> socket = Path.of(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--run" -> run = true;
                case "--workdir" -> workdir = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--cpu" -> {
                    String[] nameAndPid = args[++i].split("=", 2);
                    followed.put(nameAndPid[0], Long.parseLong(nameAndPid[1]));
                }
                case "--metrics" -> {
                    String[] nameAndUrl = args[++i].split("=", 2);
                    metrics.put(nameAndUrl[0], java.net.URI.create(nameAndUrl[1]));
                }
                case "--heap" -> {
                    String[] nameAndPid = args[++i].split("=", 2);
                    heaps.put(nameAndPid[0], Long.parseLong(nameAndPid[1]));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (socket == null) {
            throw new IllegalArgumentException("--socket PATH is required");
        }
        if (!followed.isEmpty()) {
            followed.put("benchmark", ProcessHandle.current().pid());
        }
        CpuAccount cpu = new CpuAccount(followed);
        MessageAccount messages = new MessageAccount(metrics);
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        MessageCodec codec = new MessageCodec(XmlBinding.messages(), WireSettings.DEFAULT.xmlLimits());
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) {
                System.out.printf("round %d of %d%s%n", round, rounds, round == 1 ? " (the components' JIT still compiling)" : "");
            }
            run(codec, socket, clients, jobs, run, workdir, cpu, messages);
            heaps.forEach((name, pid) -> System.out.printf("%s: %s%n", name, HeapReading.of(jcmd, pid)));
        }
    }

    private static JobSubmit submission(boolean held, String workdir) {
        JobSubmit submit = new JobSubmit();
        ScriptType script = new ScriptType();
        script.setName("trivial.sh");
        script.setValue(SCRIPT);
        submit.setScript(script);
        submit.setWorkdir(workdir);
        submit.getOption().addAll(List.of("-o", "/dev/null", "-e", "/dev/null"));
        if (held) {
            submit.getOption().add("-h");
        }
        return submit;
    }

    private static void run(MessageCodec codec, Path socket, int clients, int jobs, boolean runJobs, String workdir,
            CpuAccount cpu, MessageAccount messages) throws InterruptedException {
        long[][] latencies = new long[clients][jobs];
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        byte[] request;
        try {
            request = codec.encode(submission(!runJobs, workdir));
        } catch (SssException e) {
            throw new IllegalStateException("cannot encode the submission: " + e.getMessage(), e);
        }
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("submit-" + c).start(() -> {
                try (LocalClient qm = new LocalClient(codec, socket, WireSettings.DEFAULT)) {
                    qm.call(allQueues(), Queues.class);
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < jobs; i++) {
                        long t0 = System.nanoTime();
                        String reply = new String(qm.exchange(request), StandardCharsets.UTF_8);
                        latencies[client][i] = System.nanoTime() - t0;
                        ids.add(idOf(reply));
                    }
                } catch (SssException | RuntimeException e) {
                    failures.incrementAndGet();
                    System.err.println("client " + client + " failed: " + e.getMessage());
                    ready.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        ready.await();
        messages.start();
        cpu.start();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        Percentiles all = new Percentiles(latencies);
        System.out.printf("%d clients x %d %s jobs, %d failed clients%n", clients, jobs, runJobs ? "trivial" : "held",
                failures.get());
        System.out.printf("%d submits acknowledged in %.2f s: %.0f submits per second; ack p50 %.2f ms, p99 %.2f ms,"
                + " max %.2f ms%n", all.count(), submitSeconds, all.count() / submitSeconds, all.millis(0.50),
                all.millis(0.99), all.maxMillis());
        Map<String, Long> following = Map.of();
        if (runJobs) {
            following = awaitCompletion(codec, socket, ids, start);
        }
        if (!cpu.isEmpty()) {
            System.out.println(cpu.report(ids.size(), "job"));
        }
        if (!messages.isEmpty()) {
            System.out.println(messages.report(ids.size(), following));
        }
    }

    /**
     * Waits until no job is queued or running (a cheap count every 20 ms, so that following the run does not cost
     * the queue manager what encoding the growing list of completed jobs would), then checks once that every
     * submitted job completed and how.
     *
     * @return the requests this made, by the name the queue manager's metrics count them under (they are the
     *         benchmark's, not the jobs', and are left out of the exchanges per job)
     */
    private static Map<String, Long> awaitCompletion(MessageCodec codec, Path socket, List<String> ids, long start)
            throws InterruptedException {
        long deadline = System.nanoTime() + COMPLETION_DEADLINE.toNanos();
        long polls = 0;
        try (LocalClient qm = new LocalClient(codec, socket, WireSettings.DEFAULT)) {
            while (System.nanoTime() - deadline < 0) {
                Queues counts = qm.call(allQueues(), Queues.class);
                polls++;
                int left = counts.getQueue().stream().mapToInt(q -> nonNull(q.getQueued()) + nonNull(q.getRunning())).sum();
                if (left == 0) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    List<JobType> mine = completed(qm, ids);
                    if (mine.size() < ids.size()) {
                        System.err.printf("JobThroughput: nothing is queued or running, but only %d of %d jobs completed%n",
                                mine.size(), ids.size());
                        System.exit(1);
                    }
                    long failed = mine.stream().filter(j -> j.getExitStatus() == null || j.getExitStatus() != 0).count();
                    System.out.printf("%d jobs submitted, run and completed in %.2f s: %.1f jobs per second end to end"
                            + " (%d did not exit 0)%n", ids.size(), seconds, ids.size() / seconds, failed);
                    return Map.of("queue-manager queue-query", polls,
                            "queue-manager job-query", (long) ((ids.size() + IDS_PER_QUERY - 1) / IDS_PER_QUERY));
                }
                Thread.sleep(20);
            }
            System.err.printf("JobThroughput: the jobs did not all complete within %d s%n",
                    COMPLETION_DEADLINE.toSeconds());
            System.exit(1);
        } catch (SssException e) {
            System.err.println("JobThroughput: following the jobs failed: " + e.getMessage());
        }
        return Map.of("queue-manager queue-query", polls);
    }

    /** The submitted jobs that completed, asked for by id (the history may hold more than one reply can carry). */
    private static List<JobType> completed(LocalClient qm, List<String> ids) throws SssException {
        List<JobType> done = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            JobListType query = new JobListType();
            for (String id : ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY))) {
                JobRestrictionType restriction = new JobRestrictionType();
                restriction.setId(id);
                restriction.setState("completed");
                query.getJob().add(restriction);
            }
            done.addAll(qm.call(new ObjectFactory().createJobQuery(query), Jobs.class).getJob());
        }
        return done;
    }

    private static int nonNull(Integer count) {
        return count == null ? 0 : count;
    }

    /** The job id of a submit's reply, read as sssjob reads it: the first job's id attribute. */
    private static String idOf(String reply) throws SssException {
        int at = reply.indexOf("<job id=\"");
        if (at < 0) {
            throw new SssException(org.sss.lib.error.ErrorCode.UNKNOWN, "the submit was refused: " + reply);
        }
        int start = at + "<job id=\"".length();
        return reply.substring(start, reply.indexOf('"', start));
    }

    private static QueueQuery allQueues() {
        QueueQuery queues = new QueueQuery();
        QueueQuery.Queue all = new QueueQuery.Queue();
        all.setName("*");
        queues.getQueue().add(all);
        return queues;
    }
}
