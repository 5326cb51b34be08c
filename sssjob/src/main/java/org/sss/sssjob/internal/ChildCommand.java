package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs a command on the login host for sssjob alloc and run, on the process's own terminal and streams, and
 * returns its exit status (128 + N for signal N). SIGINT is left to the command: the terminal sends Ctrl-C to it as
 * to us (mpiexec passes it to the job, and a second one kills it; a shell handles its own). SIGTERM and SIGHUP sent
 * to us are passed on as SIGTERM. While it runs, {@code allocationEnded} is asked every two seconds; when the
 * allocation has ended (its walltime, a qdel) the command is sent SIGTERM, as salloc does.
 */
final class ChildCommand {
    private static final long WATCH_MILLIS = 2000;

    private ChildCommand() {
    }

    /**
     * @param invocation      the process (its streams, for messages)
     * @param command         the program and its arguments
     * @param environment     its whole environment
     * @param workdir         its working directory
     * @param allocationEnded whether the allocation it runs in has ended, or {@code null} not to watch
     * @return its exit status
     * @throws CliException (exit 127) when it cannot be started
     */
    static int run(Invocation invocation, List<String> command, Map<String, String> environment, Path workdir,
                   BooleanSupplier allocationEnded) throws CliException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO().directory(workdir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CliException(127, command.getFirst() + ": cannot run it: " + e.getMessage());
        }
        Signals.route(number -> {
            if (number != 2) {
                process.destroy();
            }
        });
        Thread watch = null;
        if (allocationEnded != null) {
            watch = Thread.ofPlatform().daemon().name("allocation-watch").start(() -> {
                try {
                    while (!process.waitFor(WATCH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        if (allocationEnded.getAsBoolean()) {
                            invocation.err().println(invocation.program() + ": the allocation has ended; "
                                    + "sending SIGTERM to " + command.getFirst());
                            process.destroy();
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new CliException(ExitStatus.REFUSED, "interrupted");
        } finally {
            if (watch != null) {
                watch.interrupt();
            }
        }
    }
}
