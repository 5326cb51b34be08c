package org.sss.sssjob.internal.slurm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.ExitStatus;
import org.sss.sssjob.internal.HostName;
import org.sss.sssjob.internal.Invocation;
import org.sss.sssjob.internal.Job;
import org.sss.sssjob.internal.JobsClient;
import org.sss.sssjob.internal.QueueManagerSocket;
import org.sss.sssjob.internal.Requests;
import org.sss.sssjob.internal.WaitCommand;

/**
 * {@code sbatch [options] [SCRIPT [ARGS...]]}: sends the script (a file, standard input when none is named, or one
 * made from {@code --wrap}) with the options to the queue manager as a {@code slurm} submission, which reads the
 * {@code #SBATCH} lines and the options (it alone checks them, and refuses an unsupported one by name); prints
 * {@code Submitted batch job 17} (nothing with {@code -Q/--quiet}), or {@code 17} alone with {@code --parsable}. {@code -W/--wait} waits for the job
 * (every element of an array) to complete and exits with its exit status. An option neither this command nor the
 * queue manager knows is refused here by name, exit 2.
 */
public final class SbatchCommand {
    /** The sbatch options: the queue manager's, plus those this command acts on. */
    static final List<LongOptions.Spec> OPTIONS = List.of(
            new LongOptions.Spec("nodes", 'N', true),
            new LongOptions.Spec("ntasks", 'n', true),
            new LongOptions.Spec("ntasks-per-node", '\0', true),
            new LongOptions.Spec("cpus-per-task", 'c', true),
            new LongOptions.Spec("time", 't', true),
            new LongOptions.Spec("job-name", 'J', true),
            new LongOptions.Spec("output", 'o', true),
            new LongOptions.Spec("error", 'e', true),
            new LongOptions.Spec("partition", 'p', true),
            new LongOptions.Spec("array", 'a', true),
            new LongOptions.Spec("dependency", 'd', true),
            new LongOptions.Spec("mem", '\0', true),
            new LongOptions.Spec("mem-per-cpu", '\0', true),
            new LongOptions.Spec("export", '\0', true),
            new LongOptions.Spec("chdir", 'D', true),
            new LongOptions.Spec("hold", 'H', false),
            new LongOptions.Spec("requeue", '\0', false),
            new LongOptions.Spec("no-requeue", '\0', false),
            new LongOptions.Spec("account", 'A', true),
            new LongOptions.Spec("begin", 'b', true),
            new LongOptions.Spec("nodelist", 'w', true),
            new LongOptions.Spec("exclude", 'x', true),
            new LongOptions.Spec("signal", '\0', true),
            new LongOptions.Spec("constraint", 'C', true),
            new LongOptions.Spec("reservation", '\0', true),
            new LongOptions.Spec("qos", 'q', true),
            new LongOptions.Spec("gres", '\0', true),
            new LongOptions.Spec("gpus-per-node", '\0', true),
            new LongOptions.Spec("gpus", 'G', true),
            new LongOptions.Spec("mail-type", '\0', true),
            new LongOptions.Spec("mail-user", '\0', true),
            new LongOptions.Spec("nice", '\0', false, true),
            new LongOptions.Spec("exclusive", '\0', false, true),
            new LongOptions.Spec("hint", '\0', true),
            new LongOptions.Spec("time-min", '\0', true),
            new LongOptions.Spec("kill-on-invalid-dep", '\0', true),
            new LongOptions.Spec("quiet", 'Q', false),
            new LongOptions.Spec("verbose", 'v', false),
            new LongOptions.Spec("wrap", '\0', true),
            new LongOptions.Spec("parsable", '\0', false),
            new LongOptions.Spec("wait", 'W', false),
            new LongOptions.Spec("socket", '\0', true),
            new LongOptions.Spec("help", 'h', false));
    private static final int MAX_SCRIPT_BYTES = 1024 * 1024;

    private SbatchCommand() {
    }

    /**
     * @param invocation the process
     * @param args       the arguments
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        LongOptions.Parsed parsed = LongOptions.parse(OPTIONS, args, true);
        if (LongOptions.last(parsed, "help").isPresent()) {
            invocation.out().print(SlurmHelp.sbatch());
            return ExitStatus.OK;
        }
        List<String> forwarded = new ArrayList<>();
        for (LongOptions.Given given : parsed.options()) {
            if (!List.of("wrap", "parsable", "wait", "socket", "help", "quiet", "verbose").contains(given.name())) {
                forwarded.add(given.value() == null ? "--" + given.name() : "--" + given.name() + "=" + given.value());
            }
        }
        String wrap = LongOptions.last(parsed, "wrap").orElse(null);
        String scriptName;
        String text;
        List<String> arguments = List.of();
        if (wrap != null) {
            if (!parsed.operands().isEmpty()) {
                throw CliException.usage("--wrap and a script " + parsed.operands().getFirst() + " cannot both be given");
            }
            scriptName = "wrap";
            text = "#!/bin/sh\n# This script was created by sbatch --wrap.\n\n" + wrap + "\n";
        } else if (parsed.operands().isEmpty()) {
            scriptName = "STDIN";
            text = read(invocation, null);
        } else {
            String named = parsed.operands().getFirst();
            Path script = invocation.workdir().resolve(named);
            scriptName = script.getFileName() == null ? named : script.getFileName().toString();
            text = read(invocation, script);
            arguments = parsed.operands().subList(1, parsed.operands().size());
        }
        Requests.Submission submission = new Requests.Submission(scriptName, text, forwarded,
                invocation.environment(), invocation.workdir().toString(), HostName.local(), "slurm", arguments);
        Path socket = QueueManagerSocket.locate(LongOptions.last(parsed, "socket").orElse(null),
                invocation.environment());
        List<Job> jobs;
        try (JobsClient client = new JobsClient(socket)) {
            jobs = client.jobs(Requests.submit(submission));
        }
        if (jobs.isEmpty()) {
            throw new CliException(ExitStatus.REFUSED, "the queue manager acknowledged no job");
        }
        String id = String.valueOf(SlurmJobs.sequence(jobs.getFirst()));
        if (LongOptions.last(parsed, "parsable").isPresent()) {
            invocation.out().println(id);
        } else if (LongOptions.last(parsed, "quiet").isEmpty()) {
            invocation.out().println("Submitted batch job " + id);
        }
        invocation.out().flush();
        if (LongOptions.last(parsed, "wait").isPresent()) {
            int worst = 0;
            for (Job job : jobs) {
                List<String> waitArgs = new ArrayList<>(List.of("--quiet", job.id()));
                LongOptions.last(parsed, "socket").ifPresent(path -> waitArgs.addAll(0, List.of("--socket", path)));
                int status = WaitCommand.run(invocation, waitArgs);
                worst = Math.max(worst, status);
            }
            return worst;
        }
        return ExitStatus.OK;
    }

    private static String read(Invocation invocation, Path script) throws CliException {
        byte[] bytes;
        String named = script == null ? "standard input" : script.toString();
        try {
            if (script == null) {
                bytes = invocation.stdin().readNBytes(MAX_SCRIPT_BYTES + 1);
            } else {
                if (!Files.isRegularFile(script)) {
                    throw CliException.usage("unable to open file " + script + ": "
                            + (Files.exists(script) ? "not a regular file" : "no such file"));
                }
                if (Files.size(script) > MAX_SCRIPT_BYTES) {
                    throw CliException.usage("script " + named + ": larger than " + MAX_SCRIPT_BYTES / 1024 + " KiB");
                }
                bytes = Files.readAllBytes(script);
            }
        } catch (IOException e) {
            throw CliException.usage("cannot read " + named + ": " + e.getMessage());
        }
        if (bytes.length > MAX_SCRIPT_BYTES) {
            throw CliException.usage("the script on standard input is larger than " + MAX_SCRIPT_BYTES / 1024 + " KiB");
        }
        if (bytes.length == 0) {
            throw CliException.usage("no script: name a script file, give one on standard input, or use --wrap");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CliException.usage(named + ": not text (it is not valid UTF-8)");
        }
    }
}
