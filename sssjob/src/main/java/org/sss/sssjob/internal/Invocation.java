package org.sss.sssjob.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command runs with: the name it was called by (for messages), the process's environment, working
 * directory and standard streams, and where the queue manager listens (found only when first needed).
 *
 * @param program     {@code sssjob}, {@code qsub}, {@code qstat}, …
 * @param environment the process environment
 * @param workdir     the working directory (absolute)
 * @param stdin       standard input (a script read from it)
 * @param out         standard output
 * @param err         standard error (progress, messages)
 */
public record Invocation(String program, Map<String, String> environment, Path workdir, InputStream stdin,
                         PrintStream out, PrintStream err) {
    /** Copies the environment. */
    public Invocation {
        environment = Map.copyOf(environment);
    }
}
