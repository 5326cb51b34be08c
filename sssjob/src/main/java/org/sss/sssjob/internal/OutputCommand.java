package org.sss.sssjob.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sssjob output [--error] [--follow] ID}: prints a job's standard output file ({@code --error}: its error
 * file; the same file when they are joined), read where the queue manager says it goes. With {@code --follow} it
 * waits for the file to appear and prints what is appended until the job has completed, as {@code tail -f} would,
 * then exits 0. The command runs as the user, so it reads only what the user may read.
 */
public final class OutputCommand {
    private static final long FOLLOW_POLL_MILLIS = 200;

    private OutputCommand() {
    }

    /**
     * @param invocation the process
     * @param args       {@code [--error] [--follow] ID}
     * @return the exit status
     * @throws CliException for bad arguments, a refusal, an unreadable file, or an unreachable queue manager
     */
    public static int run(Invocation invocation, List<String> args) throws CliException {
        boolean follow = false;
        boolean error = false;
        String socket = null;
        String id = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help" -> {
                    invocation.out().print(Help.output());
                    return ExitStatus.OK;
                }
                case "--follow", "-f" -> follow = true;
                case "--error", "-e" -> error = true;
                case "--socket" -> socket = Args.value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("-")) {
                        throw CliException.usage("unknown option " + arg);
                    }
                    if (id != null) {
                        throw CliException.usage("output shows one job's file at a time");
                    }
                    id = JobIds.check(arg);
                }
            }
        }
        if (id == null) {
            throw CliException.usage("which job? (sssjob output ID)");
        }
        if (id.contains("[]")) {
            throw CliException.usage(id + ": name one element of the array, as in " + id.replace("[]", "[1]"));
        }
        try (JobsClient client = new JobsClient(QueueManagerSocket.locate(socket, invocation.environment()))) {
            Job job = one(client, id);
            Path file = Path.of(job.get(error ? "error-path" : "output-path"));
            if (!follow) {
                if (!Files.exists(file)) {
                    throw new CliException(ExitStatus.REFUSED, "job " + job.id() + " (" + job.state() + ") has no "
                            + (error ? "error" : "output") + " file yet: " + file);
                }
                copy(file, 0, invocation.out());
                return ExitStatus.OK;
            }
            long offset = 0;
            while (true) {
                boolean ended = job.completed();
                if (Files.exists(file)) {
                    offset = copy(file, offset, invocation.out());
                }
                if (ended) {
                    return ExitStatus.OK;
                }
                Pause.sleep(FOLLOW_POLL_MILLIS);
                job = one(client, id);
            }
        }
    }

    private static Job one(JobsClient client, String id) throws CliException {
        List<Job> jobs = client.jobs(Requests.jobs("job-query", List.of(id), null));
        if (jobs.size() != 1) {
            throw new CliException(ExitStatus.REFUSED, id + " names " + jobs.size() + " jobs; name one");
        }
        return jobs.getFirst();
    }

    private static long copy(Path file, long from, PrintStream out) throws CliException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(from);
            long copied = in.transferTo(out);
            out.flush();
            return from + copied;
        } catch (NoSuchFileException e) {
            return from;
        } catch (IOException e) {
            throw new CliException(ExitStatus.REFUSED, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
