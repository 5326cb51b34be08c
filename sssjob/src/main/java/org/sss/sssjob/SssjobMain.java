package org.sss.sssjob;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sss.sssjob.internal.ActionCommand;
import org.sss.sssjob.internal.AlterCommand;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.HelpCommand;
import org.sss.sssjob.internal.HistoryCommand;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.LaunchCommands;
import org.sss.sssjob.internal.OutputCommand;
import org.sss.sssjob.internal.QueuesCommand;
import org.sss.sssjob.internal.StatusCommand;
import org.sss.sssjob.internal.SubmitCommand;
import org.sss.sssjob.internal.WaitCommand;
import org.sss.sssjob.internal.slurm.SacctCommand;
import org.sss.sssjob.internal.slurm.SbatchCommand;
import org.sss.sssjob.internal.slurm.ScancelCommand;
import org.sss.sssjob.internal.slurm.ScontrolCommand;
import org.sss.sssjob.internal.slurm.SinfoCommand;
import org.sss.sssjob.internal.slurm.SqueueCommand;

/**
 * The users' command line for batch jobs: {@code sssjob COMMAND}, and the PBS faces {@code qsub}, {@code qstat},
 * {@code qdel}, {@code qhold}, {@code qrls}, {@code qsig} and {@code qalter}, and the Slurm faces {@code sbatch},
 * {@code squeue}, {@code scancel} and {@code sinfo} (chosen by the system property
 * {@code sss.face}, which the bin/ scripts set). It talks to the queue manager over its Unix-domain socket, which
 * tells the queue manager who the user is; it holds no key. It needs nothing but the JDK, so that it starts fast.
 * Exit statuses are those of {@link org.sss.sssjob.internal.ExitStatus}; messages are one line on standard error,
 * naming the program.
 */
public final class SssjobMain {
    private SssjobMain() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        String face = System.getProperty("sss.face", "sssjob");
        Invocation invocation = new Invocation(face, System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out,
                System.err);
        int status = run(invocation, Arrays.asList(args));
        System.out.flush();
        System.err.flush();
        // halt, not exit: nothing is left to clean up, and System.exit would first start the JDK's logging (it logs
        // Runtime.exit when asked to), a tenth of the command's run time.
        Runtime.getRuntime().halt(status);
    }

    /**
     * Runs one command.
     *
     * @param invocation the process (its {@code program} chooses the face)
     * @param args       the arguments
     * @return the exit status
     */
    public static int run(Invocation invocation, List<String> args) {
        try {
            return dispatch(invocation, args);
        } catch (CliException e) {
            invocation.err().println(invocation.program() + ": " + e.getMessage());
            return e.status();
        }
    }

    private static int dispatch(Invocation invocation, List<String> args) throws CliException {
        switch (invocation.program()) {
            case "qsub" -> {
                return SubmitCommand.run(invocation, args, true);
            }
            case "qstat" -> {
                return StatusCommand.run(invocation, args, true);
            }
            case "qdel" -> {
                return ActionCommand.run(invocation, ActionCommand.Action.CANCEL, args, true);
            }
            case "qhold" -> {
                return ActionCommand.run(invocation, ActionCommand.Action.HOLD, args, true);
            }
            case "qrls" -> {
                return ActionCommand.run(invocation, ActionCommand.Action.RELEASE, args, true);
            }
            case "qsig" -> {
                return ActionCommand.run(invocation, ActionCommand.Action.SIGNAL, args, true);
            }
            case "qalter" -> {
                return AlterCommand.run(invocation, args, true);
            }
            case "sbatch" -> {
                return SbatchCommand.run(invocation, args);
            }
            case "squeue" -> {
                return SqueueCommand.run(invocation, args);
            }
            case "scancel" -> {
                return ScancelCommand.run(invocation, args);
            }
            case "sinfo" -> {
                return SinfoCommand.run(invocation, args);
            }
            case "scontrol" -> {
                return ScontrolCommand.run(invocation, args);
            }
            case "sacct" -> {
                return SacctCommand.run(invocation, args);
            }
            case "srun" -> {
                return LaunchCommands.run(invocation, args);
            }
            case "salloc" -> {
                return LaunchCommands.alloc(invocation, args);
            }
            case "sssjob" -> {
                return sssjob(invocation, args);
            }
            default -> throw CliException.usage("unknown face " + invocation.program());
        }
    }

    private static int sssjob(Invocation invocation, List<String> args) throws CliException {
        if (args.isEmpty()) {
            invocation.err().print(HelpCommand.text());
            return ExitStatus.USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.getFirst()) {
            case "submit" -> SubmitCommand.run(invocation, rest, false);
            case "status" -> StatusCommand.run(invocation, rest, false);
            case "wait" -> WaitCommand.run(invocation, rest);
            case "run" -> LaunchCommands.run(invocation, rest);
            case "alloc" -> LaunchCommands.alloc(invocation, rest);
            case "output" -> OutputCommand.run(invocation, rest);
            case "cancel" -> ActionCommand.run(invocation, ActionCommand.Action.CANCEL, rest, false);
            case "hold" -> ActionCommand.run(invocation, ActionCommand.Action.HOLD, rest, false);
            case "release" -> ActionCommand.run(invocation, ActionCommand.Action.RELEASE, rest, false);
            case "requeue" -> ActionCommand.run(invocation, ActionCommand.Action.REQUEUE, rest, false);
            case "signal" -> ActionCommand.run(invocation, ActionCommand.Action.SIGNAL, rest, false);
            case "alter" -> AlterCommand.run(invocation, rest, false);
            case "queues" -> QueuesCommand.run(invocation, rest);
            case "history" -> HistoryCommand.run(invocation, rest);
            case "help", "--help", "-h" -> {
                invocation.out().print(HelpCommand.text());
                yield ExitStatus.OK;
            }
            default -> throw CliException.usage("unknown command '" + args.getFirst() + "' (sssjob --help lists them)");
        };
    }
}
