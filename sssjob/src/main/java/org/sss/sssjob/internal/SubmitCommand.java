package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sssjob submit} and {@code qsub}: reads the script (a file, or standard input when none is named), sends it
 * with the qsub options, the whole environment (for {@code -V} and {@code -v NAME}), the working directory and the
 * host name, and prints the id the queue manager returns once the job is stored: {@code 17} (or {@code 17[]} for an
 * array) from sssjob, {@code 17.HOST} from qsub. A script that is not a readable regular file is refused here, with
 * exit 2, before anything is sent. {@code qsub -I} (or {@code sssjob submit -I}) is an interactive job
 * ({@link InteractiveCommand}). PBS Pro's {@code qsub [options] -- PROGRAM [ARGS...]} is a job that runs the program
 * with its arguments (named after the program); one text file alone after {@code --} is read as the script, as
 * Torque's qsub reads it.
 */
public final class SubmitCommand {
    /** Largest script accepted (PBS servers take about as much). */
    static final int MAX_SCRIPT_BYTES = 1024 * 1024;

    private SubmitCommand() {
    }

    /**
     * @param invocation the process
     * @param args       qsub options then the script
     * @param pbsFace    whether to print the id as qsub does
     * @return the exit status
     * @throws CliException for a bad script or arguments, a refusal, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args, boolean pbsFace) throws CliException {
        QsubArgs parsed = QsubArgs.parse(args);
        if (parsed.help()) {
            invocation.out().print(Help.submit(invocation.program()));
            return ExitStatus.OK;
        }
        if (parsed.hasFlag('I')) {
            return InteractiveCommand.run(invocation, parsed);
        }
        String afterDoubleDash = null;
        if (parsed.doubleDash() && !parsed.operands().isEmpty()) {
            afterDoubleDash = parsed.operands().size() > 1 ? null
                    : textOf(invocation.workdir().resolve(parsed.operands().getFirst()));
            if (afterDoubleDash == null) {
                return submit(invocation, parsed, pbsFace, programJob(invocation, parsed));
            }
        }
        if (parsed.operands().size() > 1) {
            throw CliException.usage("one script at a time; unexpected " + parsed.operands().get(1)
                    + " after " + parsed.operands().getFirst() + " (options go before the script)");
        }
        String scriptName;
        String text;
        if (parsed.operands().isEmpty()) {
            scriptName = "STDIN";
            text = decode(readStdin(invocation), "standard input");
        } else {
            Path script = invocation.workdir().resolve(parsed.operands().getFirst());
            scriptName = script.getFileName() == null ? script.toString() : script.getFileName().toString();
            text = afterDoubleDash != null ? afterDoubleDash
                    : decode(readScript(script, parsed.operands().getFirst()), parsed.operands().getFirst());
        }
        return submit(invocation, parsed, pbsFace, new Requests.Submission(scriptName, text, parsed.options(),
                invocation.environment(), invocation.workdir().toString(), HostName.local()));
    }

    /** The most arguments a job takes, and the longest (the queue manager's schema). */
    private static final int MAX_ARGUMENTS = 1000;
    private static final int MAX_ARGUMENT_CHARS = 4096;

    /** The script of a {@code qsub -- PROGRAM [ARGS...]} job: it runs its arguments, given as the job's. */
    static final String PROGRAM_SCRIPT = "#!/bin/sh\n# Made by qsub -- PROGRAM [ARGS...]: runs the program with its"
            + " arguments.\nexec \"$@\"\n";

    private static Requests.Submission programJob(Invocation invocation, QsubArgs parsed) throws CliException {
        List<String> command = parsed.operands();
        String program = command.getFirst();
        if (program.isEmpty() || program.startsWith("-")) {
            throw CliException.usage("after --, the program to run (qsub [options] -- PROGRAM [ARGS...]), not '"
                    + program + "'");
        }
        if (parsed.options().contains("-S")) {
            throw CliException.usage("-S: a job that runs a program (after --) has no script for a shell to run");
        }
        if (command.size() > MAX_ARGUMENTS || command.stream().anyMatch(word -> word.length() > MAX_ARGUMENT_CHARS)) {
            throw CliException.usage("after --, at most " + MAX_ARGUMENTS + " words of at most " + MAX_ARGUMENT_CHARS
                    + " characters each (write a script for more)");
        }
        String name = program.substring(program.lastIndexOf('/') + 1);
        return new Requests.Submission(name.isEmpty() ? "program" : name, PROGRAM_SCRIPT, parsed.options(),
                invocation.environment(), invocation.workdir().toString(), HostName.local(), "pbs", command);
    }

    /** @return the file's text when it is a regular file of UTF-8 text without NUL bytes (a script), else null */
    private static String textOf(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_SCRIPT_BYTES) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                if (b == 0) {
                    return null;
                }
            }
            return decode(bytes, file.toString());
        } catch (IOException | CliException e) {
            return null;
        }
    }

    private static int submit(Invocation invocation, QsubArgs parsed, boolean pbsFace, Requests.Submission submission)
            throws CliException {
        Path socket = QueueManagerSocket.locate(parsed.socket(), invocation.environment());
        try (JobsClient client = new JobsClient(socket)) {
            List<Job> jobs = client.jobs(Requests.submit(submission));
            if (jobs.isEmpty()) {
                throw new CliException(ExitStatus.REFUSED, "the queue manager acknowledged no job");
            }
            Job first = jobs.getFirst();
            String id = first.get("array-index").isEmpty() ? first.id() : first.id().substring(0, first.id().indexOf('['))
                    + "[]";
            if (!parsed.quiet()) {
                invocation.out().println(pbsFace ? id + "." + HostName.local() : id);
            }
        }
        return ExitStatus.OK;
    }

    private static byte[] readScript(Path script, String named) throws CliException {
        if (Files.isDirectory(script)) {
            throw CliException.usage("script " + named + ": is a directory, not a file");
        }
        if (!Files.exists(script)) {
            throw CliException.usage("script " + named + ": no such file");
        }
        if (!Files.isRegularFile(script)) {
            throw CliException.usage("script " + named + ": not a regular file");
        }
        try {
            if (Files.size(script) > MAX_SCRIPT_BYTES) {
                throw CliException.usage("script " + named + ": larger than " + MAX_SCRIPT_BYTES / 1024 + " KiB");
            }
            return Files.readAllBytes(script);
        } catch (NoSuchFileException e) {
            throw CliException.usage("script " + named + ": no such file");
        } catch (IOException e) {
            throw CliException.usage("script " + named + ": cannot read it: " + e.getMessage());
        }
    }

    private static byte[] readStdin(Invocation invocation) throws CliException {
        if (System.console() != null && invocation.stdin() == System.in) {
            invocation.err().println(invocation.program() + ": reading the job script from standard input "
                    + "(end it with Ctrl-D)");
        }
        try {
            byte[] bytes = invocation.stdin().readNBytes(MAX_SCRIPT_BYTES + 1);
            if (bytes.length > MAX_SCRIPT_BYTES) {
                throw CliException.usage("the script on standard input is larger than " + MAX_SCRIPT_BYTES / 1024
                        + " KiB");
            }
            if (bytes.length == 0) {
                throw CliException.usage("no script: name a script file, or give one on standard input");
            }
            return bytes;
        } catch (IOException e) {
            throw CliException.usage("cannot read the script from standard input: " + e.getMessage());
        }
    }

    private static String decode(byte[] bytes, String named) throws CliException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CliException.usage("script " + named + ": not text (it is not valid UTF-8)");
        }
    }
}
