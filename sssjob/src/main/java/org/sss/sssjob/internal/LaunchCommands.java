package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code sssjob run} (what srun does) and {@code sssjob alloc} (what salloc does). Outside an allocation both get
 * one through the {@link Allocator} (a normal job, queued and scheduled like any other), then run on the login host
 * — run: the suite's {@code mpiexec} with the program, which streams the ranks' output (labelled with {@code -l}),
 * feeds standard input to rank 0 and passes Ctrl-C on (twice: the job is killed); alloc: the command, or the user's
 * shell — with the allocation's environment ({@link Allocation#environment}), so mpiexec runs under the job's key,
 * on the allocation's nodes only. When it ends, the allocation is released and the job completes with its exit
 * status, which is also the command's. Inside an allocation ({@code SSS_JOBID}, or a batch job's
 * {@code PBS_JOBID} with {@code MPD_JOB_KEY}) run launches in it at once, without queueing.
 */
public final class LaunchCommands {
    private LaunchCommands() {
    }

    /**
     * @param invocation the process
     * @param args       the words after {@code run}
     * @return the program's exit status (the job's)
     * @throws CliException bad arguments (2), a refusal (1), or a signal while waiting for the allocation
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LaunchArgs parsed = LaunchArgs.parse(args, true, slurmFace(invocation));
        if (parsed.help()) {
            invocation.out().print(LaunchHelp.run());
            return ExitStatus.OK;
        }
        if (parsed.command().isEmpty()) {
            throw CliException.usage("which program? (sssjob run [options] PROG [ARGS...])");
        }
        Path bin = bin(invocation);
        Map<String, String> env = invocation.environment();
        if (inside(env)) {
            if (parsed.gpus() > gpusOnNode(env)) {
                throw CliException.usage("--gres: " + parsed.gpus() + " GPU(s) on each node, but allocation "
                        + jobOf(env) + " has " + gpusOnNode(env) + " (SLURM_GPUS_ON_NODE)");
            }
            if (parsed.walltime() != null || parsed.queue() != null || !parsed.features().isEmpty()
                    || parsed.reservation() != null || parsed.qos() != null) {
                throw CliException.usage("unsupported option " + (parsed.walltime() != null ? "-t"
                        : parsed.queue() != null ? "-p/-q" : !parsed.features().isEmpty() ? "-C"
                        : parsed.reservation() != null ? "--reservation" : "--qos")
                        + " inside allocation " + jobOf(env) + ": it runs under that job's limits and queue");
            }
            List<String> mpiexec = mpiexecInside(bin, parsed, env);
            return ChildCommand.run(invocation, mpiexec, withBin(env, bin), invocation.workdir(), null);
        }
        LaunchArgs.Shape shape = parsed.shape();
        List<String> mpiexec = new ArrayList<>(List.of(bin.resolve("mpiexec").toString(), "-n",
                String.valueOf(shape.ranks())));
        if (parsed.label()) {
            mpiexec.add("-l");
        }
        mpiexec.addAll(parsed.command());
        return allocated(invocation, parsed, shape, jobName(parsed.command().getFirst()), mpiexec, bin, false);
    }

    /**
     * @param invocation the process
     * @param args       the words after {@code alloc}
     * @return the command's exit status
     * @throws CliException bad arguments (2), a refusal (1), or a signal while waiting for the allocation
     */
    public static int alloc(Invocation invocation, List<String> args) throws CliException {
        LaunchArgs parsed = LaunchArgs.parse(args, false, slurmFace(invocation));
        if (parsed.help()) {
            invocation.out().print(LaunchHelp.alloc());
            return ExitStatus.OK;
        }
        Map<String, String> env = invocation.environment();
        if (inside(env)) {
            throw CliException.usage("already inside allocation " + jobOf(env) + " (SSS_JOBID); use it, or leave it "
                    + "first");
        }
        List<String> command = parsed.command().isEmpty()
                ? List.of(env.getOrDefault("SHELL", "/bin/sh"))
                : parsed.command();
        return allocated(invocation, parsed, parsed.shape(), "alloc", command, bin(invocation), true);
    }

    private static int allocated(Invocation invocation, LaunchArgs parsed, LaunchArgs.Shape shape, String name,
                                 List<String> command, Path bin, boolean tell) throws CliException {
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(parsed.socket(), invocation.environment()))) {
            Allocator allocator = new Allocator(invocation, client);
            Allocation allocation = allocator.allocate(shape, parsed, name);
            if (tell) {
                invocation.err().println(invocation.program() + ": job " + allocation.id() + " granted "
                        + String.join(" ", allocation.nodes()));
            }
            BooleanSupplier ended = () -> {
                try {
                    return allocator.ended(allocation.id());
                } catch (CliException e) {
                    return false;
                }
            };
            int status;
            try {
                status = ChildCommand.run(invocation, command, allocation.environment(invocation.environment(), bin),
                        invocation.workdir(), ended);
            } catch (CliException e) {
                allocator.release(allocation, e.status(), bin);
                throw e;
            }
            allocator.release(allocation, status, bin);
            if (tell) {
                invocation.err().println(invocation.program() + ": job " + allocation.id() + " released, exit status "
                        + status);
            }
            return status;
        }
    }

    /**
     * mpiexec in the allocation the process is in: -N picks its first N nodes, --ppn and -n as given; with neither
     * -n nor -N, the allocation's tasks (see {@link #defaultTasks}).
     */
    private static List<String> mpiexecInside(Path bin, LaunchArgs parsed, Map<String, String> env)
            throws CliException {
        List<String> mpiexec = new ArrayList<>(List.of(bin.resolve("mpiexec").toString()));
        boolean choosesHosts = parsed.nodes() > 0 || !parsed.nodelist().isEmpty() || !parsed.exclude().isEmpty();
        if (choosesHosts) {
            List<String> hosts = hostsInside(parsed, env);
            mpiexec.addAll(List.of("-hosts", String.join(",", hosts)));
            if (parsed.ranks() == 0) {
                mpiexec.addAll(List.of("-n", String.valueOf(hosts.size() * Math.max(1, parsed.ppn()))));
            }
            if (parsed.ppn() == 0 && parsed.ranks() == 0) {
                mpiexec.addAll(List.of("-ppn", "1"));
            }
        }
        if (parsed.ranks() > 0) {
            mpiexec.addAll(List.of("-n", String.valueOf(parsed.ranks())));
        } else if (!choosesHosts) {
            mpiexec.addAll(List.of("-n", String.valueOf(defaultTasks(parsed, env))));
        }
        if (parsed.ppn() > 0) {
            mpiexec.addAll(List.of("-ppn", String.valueOf(parsed.ppn())));
        }
        if (parsed.label()) {
            mpiexec.add("-l");
        }
        mpiexec.addAll(parsed.command());
        return mpiexec;
    }

    /**
     * The allocation's nodes a run inside it uses: those {@code -w} names (each must be the allocation's), then its
     * others in order, none that {@code -x} names, as many as {@code -N} says (without it: as many as {@code -w}
     * names, or all that {@code -x} leaves).
     */
    private static List<String> hostsInside(LaunchArgs parsed, Map<String, String> env) throws CliException {
        List<String> all = nodesOf(env);
        for (String node : parsed.nodelist()) {
            if (!all.contains(node)) {
                throw CliException.usage("-w " + node + ": not a node of allocation " + jobOf(env) + " ("
                        + String.join(",", all) + ")");
            }
        }
        List<String> left = new ArrayList<>(all);
        left.removeAll(parsed.exclude());
        int wanted = parsed.nodes() > 0 ? parsed.nodes() : parsed.nodelist().isEmpty() ? left.size()
                : parsed.nodelist().size();
        List<String> hosts = new ArrayList<>(parsed.nodelist());
        for (String node : left) {
            if (hosts.size() < wanted && !hosts.contains(node)) {
                hosts.add(node);
            }
        }
        if (hosts.size() < wanted || hosts.isEmpty()) {
            throw CliException.usage((parsed.nodes() > 0 ? "-N " + parsed.nodes() : "-x") + ": allocation "
                    + jobOf(env) + " has " + left.size() + " node" + (left.size() == 1 ? "" : "s")
                    + (parsed.exclude().isEmpty() ? "" : " not excluded"));
        }
        return hosts;
    }

    /**
     * As srun in an allocation: with neither -n nor -N, the allocation's tasks ({@code SLURM_NTASKS}, which every
     * job has: its slots, or the tasks an sbatch asked for), or with --ntasks-per-node that many on each of its nodes.
     */
    private static int defaultTasks(LaunchArgs parsed, Map<String, String> env) throws CliException {
        if (parsed.ppn() > 0) {
            return nodesOf(env).size() * parsed.ppn();
        }
        try {
            int tasks = Integer.parseInt(env.getOrDefault("SLURM_NTASKS", "").strip());
            if (tasks > 0) {
                return tasks;
            }
        } catch (NumberFormatException e) {
            // not set (or not a number): one per node, as srun does
        }
        return nodesOf(env).size();
    }

    /** @return the GPUs the allocation shows each node ({@code SLURM_GPUS_ON_NODE}), 0 for none */
    private static int gpusOnNode(Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault("SLURM_GPUS_ON_NODE", "0").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> nodesOf(Map<String, String> env) throws CliException {
        String file = env.getOrDefault("PBS_NODEFILE", "");
        try {
            LinkedHashSet<String> nodes = new LinkedHashSet<>();
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    nodes.add(line.strip());
                }
            }
            return List.copyOf(nodes);
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitStatus.REFUSED, "cannot read the allocation's node file (PBS_NODEFILE="
                    + file + ")");
        }
    }

    /** @return whether the command is srun or salloc (whose -q is --qos), not sssjob run or alloc */
    private static boolean slurmFace(Invocation invocation) {
        return invocation.program().equals("srun") || invocation.program().equals("salloc");
    }

    /** Whether the process is inside an allocation: sssjob alloc's command, or a batch job's script. */
    static boolean inside(Map<String, String> env) {
        return !env.getOrDefault("SSS_JOBID", "").isEmpty()
                || !env.getOrDefault("PBS_JOBID", "").isEmpty() && !env.getOrDefault("MPD_JOB_KEY", "").isEmpty();
    }

    private static String jobOf(Map<String, String> env) {
        return env.getOrDefault("SSS_JOBID", env.getOrDefault("PBS_JOBID", "?"));
    }

    private static Map<String, String> withBin(Map<String, String> env, Path bin) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        return out;
    }

    /** The job's name: the program's file name, as srun names its jobs, cut to what PBS takes. */
    static String jobName(String program) {
        String base = Path.of(program).getFileName() == null ? "run" : Path.of(program).getFileName().toString();
        String name = base.replaceAll("[^A-Za-z0-9_.-]", "");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            name = "run" + name;
        }
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    private static Path bin(Invocation invocation) throws CliException {
        String home = System.getProperty("sss.home", invocation.environment().getOrDefault("SSS_HOME", ""));
        if (home.isEmpty()) {
            throw new CliException(ExitStatus.REFUSED, "where is the suite? (run sssjob from its bin/, or set SSS_HOME)");
        }
        return Path.of(home, "bin");
    }
}
