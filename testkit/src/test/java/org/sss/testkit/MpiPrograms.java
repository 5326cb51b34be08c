package org.sss.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The MPI test programs of {@code src/test/c}, built by {@code src/test/c/build.sh} the first time a test asks for
 * one: with MPICH's {@code mpicc.mpich} (with the raw PMI-1 clients) into {@code target/mpi}, and with Open MPI's
 * {@code mpicc.openmpi} into {@code target/mpi-openmpi}. The product's build never compiles them, so it needs no
 * MPI; a test that runs them fails, saying which packages to install, on a machine without that MPI.
 */
final class MpiPrograms {
    private static final Path SOURCES = Path.of("src", "test", "c").toAbsolutePath();
    private static final Path BUILT = Path.of("target", "mpi").toAbsolutePath();
    private static final Path BUILT_OPEN_MPI = Path.of("target", "mpi-openmpi").toAbsolutePath();
    private static boolean built;
    private static boolean builtOpenMpi;

    private MpiPrograms() {
    }

    /**
     * @param name a program of {@code src/test/c} (without {@code .c})
     * @return the path of its MPICH build, made on first use
     * @throws IllegalStateException if the programs cannot be built, with what build.sh said (e.g. that mpicc.mpich
     *                               is missing)
     */
    static synchronized String path(String name) {
        if (!built) {
            build(BUILT, "mpich");
            built = true;
        }
        return BUILT.resolve(name).toString();
    }

    /**
     * @param name an MPI program of {@code src/test/c} (without {@code .c})
     * @return the path of its Open MPI build, made on first use
     * @throws IllegalStateException if the programs cannot be built, with what build.sh said (e.g. that
     *                               mpicc.openmpi is missing)
     */
    static synchronized String openMpi(String name) {
        if (!builtOpenMpi) {
            build(BUILT_OPEN_MPI, "openmpi");
            builtOpenMpi = true;
        }
        return BUILT_OPEN_MPI.resolve(name).toString();
    }

    private static void build(Path into, String flavour) {
        try {
            Process process = new ProcessBuilder("sh", SOURCES.resolve("build.sh").toString(), into.toString(), flavour)
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
