package org.sss.sssjob.internal.slurm;

/** The {@code --help} texts of the Slurm faces (the README's table maps each option to qsub's). */
final class SlurmHelp {
    private static final String EXIT = """

            Exit status: 0 done; 1 refused by the queue manager (no such job, not yours, already completed);
            2 bad arguments, options, directives or script (nothing was stored or changed), including any option
            the suite does not support, which is refused by name rather than ignored; 3 the queue manager cannot
            be reached. The queue manager is found by --socket PATH, else $SSS_QM_SOCKET, else the
            <queue-manager socket> of $SSS_CONFIG (default: etc/sss.xml of the suite).
            """;

    private SlurmHelp() {
    }

    static String sbatch() {
        return """
                usage: sbatch [options] [SCRIPT [ARGS...]]    (standard input when no SCRIPT; or --wrap=COMMAND)

                Submits a batch script to the suite's queue manager, the same queue and jobs as qsub's. #SBATCH lines
                are read from the top of the script until the first line that is neither blank nor a comment;
                options given here override them. Prints "Submitted batch job ID".
                  -N, --nodes=N               nodes (one task per node unless -n or --ntasks-per-node say more)
                  -n, --ntasks=T              tasks; without -N, as few nodes as hold them (by the largest slot
                                              count of the configured nodes), tasks spread evenly
                      --ntasks-per-node=K     tasks on each node
                  -c, --cpus-per-task=C       slots per task (a node's slots = its tasks x C)
                  -t, --time=TIME             time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED
                  -J, --job-name=NAME         job name (default: the script's name; "wrap" for --wrap)
                  -o, --output=PATTERN        standard output (default slurm-%j.out; arrays slurm-%A_%a.out);
                                              %j job id, %A array id, %a index, %x name, %u user, %% percent,
                                              a width pads numbers (%4a); relative to -D
                  -e, --error=PATTERN         standard error, apart (default: joined to the output)
                  -p, --partition=NAME        partition: the suite's queue
                  -a, --array=LIST            1-5, 1,3,7, 1-9:2; %N: at most N at once
                  -d, --dependency=LIST       afterok:ID[:ID...], afterany:..., afternotok:..., after:... (once
                                              they have started), singleton (once your earlier jobs of the same
                                              name have ended), comma-separated
                      --mem=SIZE              memory per node, megabytes or with K, M, G, T (0: no limit)
                      --mem-per-cpu=SIZE      memory per slot (PBS pmem)
                      --export=ALL|NONE|LIST  environment: ALL (default), NONE, or VAR[=value],... (ALL,VAR=... too)
                  -D, --chdir=DIR             working directory of the script (default: where sbatch runs)
                  -H, --hold                  submit held (scancel, or release with qrls / sssjob release)
                      --requeue, --no-requeue whether scontrol requeue may put it back in the queue once it has
                                              run (default: it may; a node lost still ends it)
                  -b, --begin=TIME            not to start before TIME: now+N[seconds|minutes|hours|days|weeks],
                                              HH:MM[:SS], YYYY-MM-DD[THH:MM[:SS]], MM/DD[/YY], midnight, noon,
                                              teatime, today, tomorrow (squeue's reason: BeginTime)
                  -w, --nodelist=LIST         nodes the job must be given (node[1-4],node7); without -N it gets
                                              as many nodes as named (squeue's reason while one is down:
                                              ReqNodeNotAvail)
                  -x, --exclude=LIST          nodes the job must not be given
                  -C, --constraint=FEATURES   features every node of the job must have (the configuration's
                                              <node features>): one, or several joined by & (gpu&bigmem)
                      --gres=gpu[:TYPE]:N     N GPUs on each node (the configuration's <node gpus>; a TYPE must
                                              be one of the node's features); --gpus-per-node=[TYPE:]N the same;
                  -G, --gpus=[TYPE:]N         N GPUs in all, spread over the nodes. The job sees
                                              CUDA_VISIBLE_DEVICES=0,...,N-1 on each node
                      --reservation=NAME      run in that advance reservation (sssadmin res list): on its
                                              nodes, inside its window, for its users (squeue's reason while
                                              it has not begun: Reservation)
                  -q, --qos=NAME              the job's quality of service, one the queue manager's <qos>
                                              elements configure (sssjob queues lists them): its priority
                                              and limits (default: the one marked default, if any)
                      --signal=[B:]SIG[@SECS] send SIG (USR1, 10, ...) SECS (default 60) before the time limit:
                                              to the script and all it started, or with B: to its shell alone
                  -A, --account=NAME          account to charge
                      --mail-type=TYPES       BEGIN, END, FAIL, ALL, NONE, ... and --mail-user=ADDR[,...]:
                                              recorded, as qsub -m/-M (qstat -f shows them)
                      --nice[=N]              lower the job's place in line by N, default 100 (its priority
                                              becomes -N); a negative N from administrators only
                      --wrap=COMMAND          run COMMAND in a generated /bin/sh script instead of a SCRIPT
                      --parsable              print the job id alone
                  -Q, --quiet                 print nothing but errors; -v, --verbose: taken, no more output
                      --exclusive[=user|mcs]  taken: every job holds its nodes whole here
                      --hint=HINT             taken (compute_bound, memory_bound, [no]multithread): ranks are
                                              not bound to cores here
                      --time-min=TIME         taken: a job runs with its --time
                      --kill-on-invalid-dep=yes  taken: a job whose dependency can never be met is ended
                  -W, --wait                  wait until the job (every element of an array) completes; exit with
                                              its exit status (the highest of an array's)
                      --socket PATH           the queue manager's socket
                  -h, --help                  this text

                The script gets SLURM_JOB_ID, SLURM_JOB_NAME, SLURM_NTASKS, SLURM_JOB_NUM_NODES, SLURM_JOB_NODELIST
                (node[1-3,5]), SLURM_TASKS_PER_NODE, SLURM_CPUS_ON_NODE, SLURM_SUBMIT_DIR, SLURM_ARRAY_TASK_ID, ...
                and the PBS variables (PBS_JOBID, PBS_NODEFILE, ...). Element 3 of array 17 is job 17_3.
                """ + EXIT;
    }

    static String squeue() {
        return """
                usage: squeue [-u USER[,...]] [-j ID[,...]] [-t STATE[,...]] [-p PARTITION[,...]] [-n NAME[,...]]
                              [-q QOS[,...]] [-A ACCOUNT[,...]] [-w NODELIST] [--me] [-h]
                              [-o FORMAT | -O FIELDS | -l | --start] [--socket PATH]

                The queue manager's jobs, one line each; array elements as ID_INDEX. A user sees their own jobs.
                Default: pending, running and completing jobs, as
                  JOBID PARTITION NAME USER ST TIME NODES NODELIST(REASON)
                  -u, --user=LIST         jobs of these users
                  -j, --jobs=LIST         these jobs: 17 (a job, or every element of array 17), 17_3, 17_[1-3]
                  -t, --states=LIST       PD (PENDING), R (RUNNING), CG (COMPLETING), CD (COMPLETED),
                                          CA (CANCELLED), F (FAILED), TO (TIMEOUT), or all
                  -p, --partition=LIST    jobs in these partitions (queues)
                  -n, --name=LIST         jobs with these names
                  -q, --qos=LIST          jobs in these qualities of service
                  -A, --account=LIST      jobs charged to these accounts
                  -w, --nodelist=LIST     jobs on any of these nodes (node[1-3],node7)
                      --me                your own jobs
                  -l, --long              the time, then "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R"
                      --start             pending jobs with their expected start times (%S), earliest first
                  -O, --Format=FIELDS     NAME[:[.]WIDTH],... (width 20 unless given): JobID, ArrayJobID, Name,
                                          UserName, State, StateCompact, TimeUsed, TimeLimit, NumNodes,
                                          NumCPUs, NodeList, ReasonList, Reason, Partition, SubmitTime,
                                          StartTime, Account, QOS, Reservation, Feature, ReqNodes, ExcNodes,
                                          tres-per-node
                  -r, --array, -a, --all  taken: every array element has a line; no partition is hidden
                  -h, --noheader          no header line
                  -o, --format=FORMAT     %[.][WIDTH]FIELD items (. right-justifies; WIDTH pads and cuts):
                                          %i id  %j name  %u user  %t state code  %T state  %M time used
                                          %l time limit  %D nodes  %R nodes or (reason)  %P partition
                                          %N node list  %C cpus  %V submit time  %S start time (pending:
                                          expected)  %r reason
                                          %a account  %A array job id  %n nodes required (-w)
                                          %x nodes excluded (-x)  %f features (-C)  %b GPUs per node
                                          %v reservation  %q QOS  %% percent
                                          default "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"
                Reasons: (None), (Resources), (Dependency), (JobHeldUser), (JobArrayTaskLimit), (BeginTime),
                (ReqNodeNotAvail), (Reservation), (QOSMaxJobsPerUserLimit).
                """ + EXIT;
    }

    static String sacct() {
        return """
                usage: sacct [-j ID[,ID...]] [-u USER[,...]] [-a] [-S TIME] [-E TIME] [-s STATE[,...]]
                             [-o FIELD[%WIDTH][,...]] [-b] [-n] [-p|-P] [-X]

                Jobs as Slurm's accounting shows them: those that completed within the window (from the queue
                manager's accounting records, kept after the jobs leave squeue), and those still pending or running.
                You see your own jobs; an administrator sees everyone's (-u narrows, -a is taken).
                  -j, --jobs=ID,...         these jobs only (17: the job or every element of array 17; 17_3)
                  -S, --starttime=TIME      from TIME (default: today at 00:00; all time with -j)
                  -E, --endtime=TIME        to TIME (default: now)
                                            TIME: 2026-12-01, 2026-12-01T08:00, now, now-7days (weeks, hours,
                                            minutes), today, midnight, or an age such as 12h
                  -s, --state=STATE,...     jobs in these states (PD, R, CG, CD, CA, F, TO or their names)
                  -o, --format=FIELDS       columns: JobID, JobIDRaw, JobName, Partition, Account, QOS, User,
                                            AllocCPUS, NCPUS, ReqCPUS, AllocNodes, ReqNodes, NNodes, NodeList, State,
                                            ExitCode, Submit, Start, End, Elapsed, ElapsedRaw, CPUTime, Timelimit,
                                            TotalCPU, MaxRSS, Reason; FIELD%30 sets a width
                  -b, --brief               JobID, State, ExitCode
                  -n, --noheader            no header
                  -p, --parsable            fields separated by |, a | at the end; -P, --parsable2: none at the end
                  -X, --allocations         taken: a job here has no steps listed apart
                Default columns: JobID JobName Partition Account AllocCPUS State ExitCode.
                """ + EXIT;
    }

    static String scontrol() {
        return """
                usage: scontrol show hostnames [LIST] | show hostlist NAME[,NAME...] | show job [ID]
                       scontrol hold|release|requeue ID[,ID...] ...
                       scontrol update JobId=ID[,ID...] KEY=VALUE...

                The parts of Slurm's control command that users and job scripts call:
                  show hostnames [LIST]   a host list's names, one a line: node[1-3],login1 gives node1, node2,
                                          node3, login1 (LIST defaults to $SLURM_JOB_NODELIST, as inside a job)
                  show hostlist NAMES     comma-separated names compressed into a host list (node[1-3])
                  show job [ID]           the job (every job you may see, without ID) as Key=Value pairs:
                                          JobId, JobName, JobState, Reason, RunTime, TimeLimit, NodeList, ...
                                          (-o, --oneliner: each job on one line; -d is taken)
                  hold ID, release ID     hold a pending job, release a held one (qhold, qrls)
                  requeue ID              put a running job back in the queue (sssjob requeue)
                  update JobId=ID KEY=VALUE...
                                          change pending jobs, checked as sbatch's options are: TimeLimit
                                          (--time), Partition, QOS, JobName (Name), Nice, Dependency,
                                          StartTime (--begin), ExcNodeList (--exclude), Reservation, Account,
                                          MailType, MailUser, Requeue=0|1; an empty Dependency,
                                          ExcNodeList, Reservation or Account clears it, QOS= gives the
                                          default. Only an administrator raises a TimeLimit or gives a
                                          negative Nice. Other keys are refused; of a running job only the
                                          TimeLimit changes (raised by administrators only)
                ID: 17 (the job, or every element of array 17) or 17_3. Other scontrol commands are refused.
                """ + EXIT;
    }

    static String scancel() {
        return """
                usage: scancel [-s SIGNAL] [-u USER] [-n NAME] [-t STATE] [-p PARTITION] [--me] [ID...]

                Cancels pending and running jobs (or sends them a signal), jobs submitted with sbatch or qsub alike.
                ID: 17 (the job, or every element of array 17), 17_3 (one element), 17_[1-3] (some).
                  -s, --signal=SIGNAL     send SIGNAL (USR1, TERM, 10, ...) to the running jobs instead
                  -u, --user=USER         the jobs of USER (yours, unless you are an administrator)
                  -n, --name=NAME         the jobs named NAME
                  -t, --state=STATE       the jobs in STATE (PD, R, CG or their names)
                  -p, --partition=NAME    the jobs in partition NAME
                      --me                your own jobs
                Silent on success; an id naming no job is an error (exit 1), the others are still cancelled.
                """ + EXIT;
    }

    static String sinfo() {
        return """
                usage: sinfo [-N] [-p PARTITION[,...]] [-t STATE[,...]] [-n NODELIST] [-h]
                             [-o FORMAT | -s | -R | -l] [--socket PATH]

                The partitions (queues; each spans every node) and their nodes by state:
                  PARTITION AVAIL TIMELIMIT NODES STATE NODELIST    (the default partition marked *)
                States: idle, mix (some slots held), alloc (all held), drain (drng while jobs still run),
                down (down or offline), unk (the node state manager could not be asked).
                  -N, --Node              one line per node: NODELIST NODES PARTITION STATE
                  -p, --partition=LIST    these partitions only
                  -t, --states=LIST       nodes in these states only (idle, mix, alloc, drain (drained and
                                          draining), drng, down, unk, or mixed, allocated, drained, draining,
                                          unknown; Slurm's fail, maint, resv, future match no node here)
                  -n, --nodes=LIST        these nodes only (node[1-3],node7)
                  -s, --summarize         a line per partition: NODES(A/I/O/T) allocated/idle/other/total
                  -R, --list-reasons      the nodes down, drained or unknown, by reason: REASON NODELIST
                  -l, --long              the time, then long state names (with -N: each node's cpus,
                                          features, reason)
                  -h, --noheader          no header line
                  -o, --format=FORMAT     %[.][WIDTH]FIELD items: %P partition (* default)  %R partition name
                                          %a avail  %l time limit  %D nodes  %t state  %T long state
                                          %N node list  %f features  %G GPUs  %c cpus per node  %E reason
                                          %F nodes allocated/idle/other/total  %% percent;
                                          nodes that differ in a shown state, features, cpus or reason get a
                                          line each (sinfo -o "%N %f" lists the features)
                """ + EXIT;
    }
}
