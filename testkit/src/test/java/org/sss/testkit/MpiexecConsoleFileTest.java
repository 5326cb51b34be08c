package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mpiexec finds its mpd through a console file in a shared directory (/tmp): one another user made first, or a link,
 * would get the user's whole job (its environment) and could relay the mpd's challenge. It is refused.
 */
class MpiexecConsoleFileTest {
    @TempDir
    Path dir;

    private static Process mpiexec(Path consoleFile) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LocalRing.mpiexecBinary().toString(), "-n", "1", "true");
        builder.environment().remove("MPD_CONSOLE");
        builder.environment().put("MPD_CONSOLE_FILE", consoleFile.toString());
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process;
    }

    @Test
    void aConsoleFileOfAnotherUserOrALinkIsRefused() throws Exception {
        assumeThat(Files.isExecutable(LocalRing.mpiexecBinary())).as("mpiexec is built with the mpd module").isTrue();
        assumeThat(System.getProperty("user.name")).as("root, to make a file another user owns").isEqualTo("root");
        Path planted = dir.resolve("planted.console");
        Files.writeString(planted, "127.0.0.1:9\n");
        Files.setOwner(planted, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Process other = mpiexec(planted);
        assertThat(other.exitValue()).isEqualTo(255);
        assertThat(new String(other.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains(planted + " is not a regular file of yours that only you can write");

        Path own = dir.resolve("own.console");
        Files.writeString(own, "127.0.0.1:9\n");
        Path link = dir.resolve("link.console");
        Files.createSymbolicLink(link, own);
        Process linked = mpiexec(link);
        assertThat(linked.exitValue()).isEqualTo(255);
        assertThat(new String(linked.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("no mpd to talk to").contains(link.toString());

        Process mine = mpiexec(own);
        assertThat(new String(mine.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).as("its own file is read:"
                + " the address in it answers nothing").doesNotContain("not a regular file").doesNotContain("no mpd to talk to");
    }
}
