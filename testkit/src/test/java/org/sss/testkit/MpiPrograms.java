package org.sss.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The MPI test programs of {@code src/test/c} (MPICH programs and raw PMI-1 clients), built into {@code target/mpi}
 * by {@code src/test/c/build.sh} the first time a test asks for one. The product's build never compiles them, so it
 * needs no MPI; a test that runs them fails, saying how to install MPICH, on a machine without it.
 */
final class MpiPrograms {
    private static final Path SOURCES = Path.of("src", "test", "c").toAbsolutePath();
    private static final Path BUILT = Path.of("target", "mpi").toAbsolutePath();
    private static boolean built;

    private MpiPrograms() {
    }

    /**
     * @param name a program of {@code src/test/c} (without {@code .c})
     * @return the path of its build, made on first use
     * @throws IllegalStateException if the programs cannot be built, with what build.sh said (e.g. that mpicc.mpich
     *                               is missing)
     */
    static synchronized String path(String name) {
        if (!built) {
            build();
            built = true;
        }
        return BUILT.resolve(name).toString();
    }

    private static void build() {
        try {
            Process process = new ProcessBuilder("sh", SOURCES.resolve("build.sh").toString(), BUILT.toString())
                    .redirectErrorStream(true).start();
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("building the MPI test programs took over 300 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the MPI test programs could not be built (exit " + process.exitValue()
                        + "): " + said.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run src/test/c/build.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the MPI test programs", e);
        }
    }
}
