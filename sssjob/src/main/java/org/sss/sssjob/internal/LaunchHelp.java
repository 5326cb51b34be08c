package org.sss.sssjob.internal;

/** The {@code --help} texts of sssjob run and alloc. */
final class LaunchHelp {
    private static final String OPTIONS = """
              -N, --nodes N               nodes
              -n, --ntasks N              processes (with -N: N spread over the nodes; alone: on one node)
              --ppn, --ntasks-per-node K  processes per node
              -t, --time T                walltime, as Slurm writes it: MINUTES, MINUTES:SECONDS, H:MM:SS,
                                          DAYS-HOURS[:MINUTES[:SECONDS]] (default: the queue's)
              -p, --partition QUEUE       the queue (default: the default queue; sssjob's -q too)
              -w, --nodelist LIST         nodes the allocation must include (node[1-4],node7); without -N it
                                          has as many nodes as named; inside an allocation, the nodes to run on
              -x, --exclude LIST          nodes it must not include (inside an allocation: not to run on)
              -C, --constraint FEATURES   features each of its nodes must have (gpu, gpu&bigmem)
              --gres gpu[:TYPE]:N         N GPUs on each of its nodes (--gpus-per-node [TYPE:]N the same; a
                                          TYPE is one of the nodes' features); inside an allocation: at
                                          most the GPUs it has
              --reservation NAME          run in that advance reservation: on its nodes, in its window
              --qos NAME                  its quality of service (srun's and salloc's -q; sssjob queues
                                          lists them; default: the configured default)
              --socket PATH               the queue manager's socket
            Any other option is refused by name (exit 2).
            """;
    private static final String HOW = """

            The allocation is a normal job (named after the program, or "alloc"), queued and scheduled like any other
            and shown by qstat. Its script, on its first node as you, writes what a program inside a job gets (its
            job key, its mpd and its node file) to ~/.sss/alloc/ID.* (mode 0600; the login host must share your home
            directory, as cluster nodes do) and holds the nodes. The command then runs here with SSS_JOBID,
            PBS_JOBID, PBS_NODEFILE, PBS_NP, PBS_NUM_NODES, MPD_JOB_KEY, MPD_CONSOLE, SLURM_JOB_ID,
            SLURM_JOB_NODELIST, SLURM_NNODES and SLURM_NTASKS set and the suite's bin/ first on PATH, so mpiexec and
            sssjob run launch on the allocation's nodes only. When it exits the allocation is released: the job
            completes with its exit status (in qstat -x and sssjob history). Ctrl-C while the job is queued cancels it.
            """;

    private LaunchHelp() {
    }

    static String run() {
        return """
                usage: sssjob run [-N NODES] [-n RANKS] [--ppn K] [-w LIST] [-x LIST] [-t TIME] [-q QUEUE] [-l] PROG
                                  [ARGS...]

                What srun does: gets an allocation, starts PROG as RANKS processes on it through the ring (the
                suite's mpiexec), prints their output as it comes, feeds standard input to rank 0, and exits with
                the job's status (the first failing rank's; 128+N for signal N). Ctrl-C ends the job: the processes
                get SIGINT, and SIGKILL 5 s later if still running; a second Ctrl-C sends SIGKILL at once (exit 130
                either way). SIGTERM is passed on the same way. Inside an allocation (sssjob alloc's shell, or
                a batch job) it launches there at once, without queueing: -N then takes the allocation's first N
                nodes (those -w names first, none -x names), and -t, -p, -C, --reservation and --qos are refused.
                  -l, --label                 prefix each output line with its rank ("RANK: line")
                      --mpi=TYPE              taken (none, pmi2, pmix, pmix_v3, ...): every rank is served PMI-1
                                              and PMIx here, for MPICH and Open MPI alike
                      --cpu-bind=...          taken: ranks are not bound to cores here
                """ + OPTIONS + HOW + """

                Exit status: the program's; 1 refused or the job ended before it started; 2 bad arguments;
                3 the queue manager cannot be reached; 255 the ring refused the launch.
                """;
    }

    static String alloc() {
        return """
                usage: sssjob alloc [-N NODES] [-n RANKS] [--ppn K] [-w LIST] [-x LIST] [-t TIME] [-q QUEUE]
                                    [COMMAND [ARGS...]]

                What salloc does: gets an allocation and, once it is granted, runs COMMAND (default: $SHELL) here, on
                the login host, where mpiexec and sssjob run use the allocation. The allocation ends when COMMAND
                exits (alloc exits with its status) or at its walltime (COMMAND is then sent SIGTERM). SIGTERM and
                SIGHUP are passed to COMMAND; Ctrl-C is COMMAND's own business (a shell ignores it).
                """ + OPTIONS + HOW + """

                Exit status: COMMAND's; 1 refused or the job ended before it started; 2 bad arguments;
                3 the queue manager cannot be reached.
                """;
    }
}
