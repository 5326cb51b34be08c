package org.sss.mpd.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mpdboot's log directory: the user's own, never one another user made first in a shared directory. */
class MpdBootMainTest {
    @TempDir
    Path dir;

    @Test
    void aNewLogDirectoryIsTheUsersOwn() throws IOException {
        Path logs = MpdBootMain.privateDirectory(dir.resolve("sss-mpd-me"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs))).isEqualTo("rwx------");
        assertThat(MpdBootMain.privateDirectory(logs)).as("and is taken again").isEqualTo(logs);
    }

    @Test
    void oneAnotherUserMadeOrALinkIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("sss-mpd-link"), dir);
        assertThatThrownBy(() -> MpdBootMain.privateDirectory(link)).hasMessageContaining("not a directory");
        Path open = Files.createDirectory(dir.resolve("sss-mpd-open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> MpdBootMain.privateDirectory(open)).hasMessageContaining("others may write");
        assumeThat(System.getProperty("user.name")).as("only root gives a directory away").isEqualTo("root");
        Path theirs = Files.createDirectory(dir.resolve("sss-mpd-root"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> MpdBootMain.privateDirectory(theirs)).hasMessageContaining("belongs to nobody");
    }
}
