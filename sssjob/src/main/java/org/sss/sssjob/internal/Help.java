package org.sss.sssjob.internal;

/** The commands' {@code --help} texts. */
final class Help {
    static final String EXIT = """

            Exit status: 0 done; 1 refused by the queue manager (no such job, not yours, wrong state);
            2 bad arguments, options, directives or script (nothing was stored or changed);
            3 the queue manager cannot be reached.
            The queue manager is found by --socket PATH, else $SSS_QM_SOCKET, else the <queue-manager socket>
            of $SSS_CONFIG (default: etc/sss.xml of the suite).
            """;

    private Help() {
    }

    static String main() {
        return """
                usage: sssjob COMMAND [ARGS]   (sssjob COMMAND --help for each)

                  submit [qsub options] [SCRIPT]   submit a PBS batch script (standard input when no SCRIPT);
                                                   prints the job id
                  status [-a] [--xml] [ID...]      your jobs that have not completed (-a: with completed ones)
                  wait [--quiet] ID                follow a job until it completes; exit with its exit status
                  run [-N N] [-n N] [-l] PROG ...  what srun does: allocate, launch PROG through the ring, stream
                                                   its output, exit with its status (at once inside an allocation)
                  alloc [-N N] [-n N] [COMMAND]    what salloc does: hold an allocation while COMMAND (your shell)
                                                   runs here; mpiexec and sssjob run in it use its nodes
                  output [--error] [--follow] ID   print a job's output (or error) file; --follow: as it grows
                  cancel ID... | cancel all        cancel queued, held or running jobs
                  hold ID... | release ID...       keep queued jobs from starting, and let them again
                  requeue ID...                    stop running jobs and queue them again
                  signal SIGNAL ID...              send a signal (USR1, TERM, 10, ...) to running jobs
                  alter [qsub options] ID...       change queued or held jobs (-N, -l walltime=, -q, -W depend=...)
                  queues                           the queues, their limits and how many jobs each has
                  history [--since WHEN] [-n N]    your completed jobs' accounting records: nodes, times, exit
                                                   status, walltime, CPU time and peak memory

                PBS faces: qsub, qstat [-f] [-a] [-n [-1]] [-r] [-i] [-x] [-u USER], qdel, qhold, qrls, qsig -s SIGNAL, qalter.
                Slurm faces: sbatch, squeue, scancel, scontrol, sacct, sinfo (each with --help), on the same jobs.
                """ + EXIT;
    }

    static String history() {
        return """
                usage: sssjob history [--since WHEN] [--until WHEN] [-n COUNT] [--xml] [--socket PATH]

                Your completed jobs' accounting records, oldest first: the nodes each ran on, when it started and
                ended, its exit status, the walltime it used, the CPU time and peak memory of its processes (as the
                control groups on its nodes measured them; - when they could not), and how it ended when not on its
                own. Records are kept after the job leaves qstat's history.
                  --since WHEN, --until WHEN   jobs that ended from WHEN on / before WHEN: a date (2026-12-01),
                                               a time (2026-12-01T08:00, local unless it ends in Z or +HH:MM)
                                               or an age (7d, 12h, 30m)
                  -n COUNT                     at most COUNT records, the most recent (default 1000)
                  --xml                        the queue manager's reply as it came
                """ + EXIT;
    }

    static String submit(String program) {
        return "usage: " + program + " [qsub options] [SCRIPT]\n       " + program + """
                 [qsub options] -- PROGRAM [ARGS...]

                Submits a PBS batch script: a file, or standard input when no SCRIPT is named. #PBS directives in the
                script are read by the queue manager; options given here override them. After --, a job that runs
                PROGRAM with ARGS as given (PBS Pro's form; named after the program; PROGRAM is looked up in the
                job's PATH unless it has a /); a text file alone after -- is read as the script. Options:
                  -N NAME              job name (default: the script's file name)
                  -q QUEUE             queue (default: the default queue)
                  -l nodes=N:ppn=M     nodes and processes per node (also select=N:ncpus=M, ncpus=M)
                  -l walltime=HH:MM:SS walltime limit (the job is killed at it)
                  -l advres=RES        run in that advance reservation (sssadmin res list): on its nodes, in
                                       its window (the walltime must end inside it)
                  -l qos=NAME          its quality of service (sssjob queues lists them): a priority and limits
                                       (default: the configured default)
                  -o PATH, -e PATH     output and error files (default NAME.oID, NAME.eID in this directory)
                  -j oe | -j eo        join error into output (or output into error)
                  -m abe, -M ADDR      mail events and users (recorded)
                  -V                   pass the whole environment; -v A=1,B  pass these variables
                  -A ACCOUNT, -p PRIO  account and priority (-1024..1023)
                  -W depend=afterok:ID[:ID],afterany:ID,afternotok:ID,after:ID (once ID has started)
                  -t 1-5 | -t 1,3,7    an array job (PBS_ARRAYID); -t 1-100%10: at most 10 run at once
                  -J 1-5[:STEP][%N]    the same, as PBS Pro spells it (PBS_ARRAY_INDEX, PBS_ARRAY_ID);
                                       ^array_index^ in -o/-e is the element's index
                  -a [[[[CC]YY]MM]DD]hhmm[.SS]  not to start before then (-a 2330: today at 23:30, or
                                       tomorrow once that has passed)
                  -h                   submit held
                  -r y | -r n          whether the job may be requeued once it runs (default y)
                  -z                   do not print the job id
                  -I                   (qsub) an interactive job: no script; once it starts, your login shell on
                                       its first node on a terminal of its own, relayed to this one (keys, ^C, ^Z
                                       and window size reach it); qsub exits with the shell's status. The job ends
                                       with the shell or at its walltime; ^C while it waits cancels it. -X (X11)
                                       is refused
                The job runs as you, in the directory it was submitted from, with PBS_JOBID,
                PBS_JOBNAME, PBS_O_WORKDIR, PBS_O_HOST, PBS_QUEUE, PBS_NODEFILE, PBS_NP (and PBS_ARRAYID) set.
                """ + EXIT;
    }

    static String status() {
        return """
                usage: sssjob status [-a] [--xml] [ID...]

                A table of your jobs that have not completed (root and administrators: everyone's). -a adds the
                completed jobs the queue manager still keeps; named ids are shown in any state. --xml prints the
                queue manager's <jobs> reply as it came. States: Q queued, H held, R running, E exiting,
                C completed.
                """ + EXIT;
    }

    static String qstat() {
        return """
                usage: qstat [-f] [-a] [-n [-1]] [-r] [-i] [-x] [-u USER] [ID...]

                PBS's job table: Job ID, Name, User, Time Use (wall time used), S (Q H R E C), Queue, of the jobs
                not yet completed. -x: with the completed ones the queue manager still keeps (PBS Pro's -x); -a: the
                alternate table (nodes, tasks, requested and elapsed time); -n: the alternate table with each job's
                nodes (node/slot+...) below its line, -1: on its line; -r: running jobs only, -i: waiting (queued
                and held) ones only, both in the alternate table; -f: every attribute of each job; -u USER: that
                user's jobs only. Flags may be bundled (-an1). Named jobs are shown in any state.
                """ + EXIT;
    }

    static String waitFor() {
        return """
                usage: sssjob wait [--quiet] ID

                Follows a job (or an array, ID[]) until it has completed, telling each change of state on standard
                error, then exits with the job's exit status (an array: the first element's that is not 0). A job
                that never ran (cancelled while queued) exits 1.
                """ + EXIT;
    }

    static String output() {
        return """
                usage: sssjob output [--error] [--follow] ID

                Prints the job's standard output file (--error: its error file). --follow waits for the file and
                prints what is added until the job has completed.
                """ + EXIT;
    }

    static String alter(String program) {
        return "usage: " + program + """
                 [qsub options] ID...

                Changes queued or held jobs with qsub's options: -N, -q, -l nodes=/walltime=/mem=/advres=/qos=,
                -p, -A, -a, -W depend=, -W exclude= (none given: clears it), -l advres= (none: out of it), -l qos=
                (none: the default one), -r, -m, -M. Of a running job only -l walltime= changes (within its
                queue's and QOS's longest; only an administrator raises it); the job ends at the new limit. The queue manager checks them as it checks a submission; -o, -e, -j, -v, -V, -S and -h are
                fixed at submission and refused.
                """ + EXIT;
    }

    static String action(String program, ActionCommand.Action action) {
        String what = switch (action) {
            case CANCEL -> "Cancels jobs: queued or held ones are removed, running ones killed (TERM, then KILL).";
            case HOLD -> "Holds queued jobs: they are not started until released.";
            case RELEASE -> "Releases held jobs: they are queued again.";
            case REQUEUE -> "Stops running jobs and queues them again.";
            case SIGNAL -> "Sends a signal (a name such as USR1 or SIGUSR1, or a number) to running jobs' processes.";
        };
        String usage = action == ActionCommand.Action.SIGNAL
                ? (program.equals("sssjob") ? "sssjob signal SIGNAL ID..." : program + " -s SIGNAL ID...")
                : (program.equals("sssjob") ? "sssjob " + action.name().toLowerCase(java.util.Locale.ROOT) : program)
                        + " ID...";
        String all = action == ActionCommand.Action.CANCEL || action == ActionCommand.Action.HOLD
                || action == ActionCommand.Action.RELEASE ? "ID may be 'all': every job of yours it applies to.\n" : "";
        return "usage: " + usage + "\n\n" + what + "\n" + all + EXIT;
    }

    static String queues() {
        return """
                usage: sssjob queues

                The queues: whether default, their walltime and node limits, priority, who may use them, and how
                many jobs are queued, held and running in each. Then the qualities of service (sbatch --qos,
                qsub -l qos=), when the queue manager's configuration has any: whether default, their limits
                (a job's walltime and nodes; jobs of one user running at once), priority and who may ask for them.
                """ + EXIT;
    }
}
