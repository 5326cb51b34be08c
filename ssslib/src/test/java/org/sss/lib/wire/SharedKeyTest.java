package org.sss.lib.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SharedKeyTest {
    private static final Principal SUITE = new Principal("suite", Role.COMPONENT, null);

    @TempDir
    Path dir;

    private Path keyFile(String content, String mode) throws IOException {
        Path file = dir.resolve("k.key");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "r--------"})
    void ownerOnlyFilesAreAccepted(String mode) throws IOException {
        SharedKey key = SharedKey.load("suite", keyFile("  s3cret \n", mode), SUITE);
        assertThat(key.answer(Digest.MD5, "x")).isEqualTo(Digest.MD5.answer("x", "s3cret".getBytes()));
    }

    /** A key file owned by an account other than root (nobody, when the tests run as root). */
    private Path notRootOwned(Path file) throws IOException {
        if ("root".equals(Files.getOwner(file).getName())) {
            Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        }
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rwx---r-x"})
    void filesOthersCouldReadOrWriteAreRefusedWithTheModeAndAFix(String mode) throws IOException {
        Path file = notRootOwned(keyFile("s3cret", mode));
        assertThatThrownBy(() -> SharedKey.load("suite", file, SUITE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("chmod 600")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "r--r-----"})
    void aRootOwnedFileMayAlsoBeReadByItsGroup(String mode) throws IOException {
        Path file = keyFile("s3cret", mode);
        Assumptions.assumeTrue("root".equals(Files.getOwner(file).getName()), "only root makes root-owned files");
        assertThat(SharedKey.load("ring", file, SUITE).answer(Digest.MD5, "x")).isEqualTo(Digest.MD5.answer("x", "s3cret".getBytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-rw----", "rw-r--r--", "rw-r----x", "rw-r-x---"})
    void aRootOwnedFileIsStillRefusedWhenItsGroupMayWriteOrOthersMayRead(String mode) throws IOException {
        Path file = keyFile("s3cret", mode);
        Assumptions.assumeTrue("root".equals(Files.getOwner(file).getName()), "only root makes root-owned files");
        assertThatThrownBy(() -> SharedKey.load("ring", file, SUITE)).hasMessageContaining("chmod 640")
                .hasMessageContaining("chmod 600").hasMessageNotContaining("\n");
    }

    @Test
    void aComponentsOrAdministratorsKeyOwnedByAnotherUserIsRefusedAUsersKeyIsNot() throws IOException {
        Path file = keyFile("s3cret", "rw-------");
        Assumptions.assumeTrue("root".equals(Files.getOwner(file).getName()), "only root gives files away");
        notRootOwned(file);
        assertThatThrownBy(() -> SharedKey.load("suite", file, SUITE)).hasMessageContaining("owned by nobody")
                .hasMessageContaining("a user's account").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> SharedKey.load("admin", file, new Principal("admin", Role.ADMIN, null)))
                .hasMessageContaining("an administrator's key");
        assertThat(SharedKey.load("nobody", file, new Principal("nobody", Role.USER, "nobody")).name())
                .isEqualTo("nobody");
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("daemon"));
        assertThat(SharedKey.load("suite", file, SUITE).name()).as("a system account's, as the suite's sss").isEqualTo("suite");
    }

    @Test
    void theMessageNamesTheOctalMode() throws IOException {
        Path file = keyFile("s3cret", "rw-r--r--");
        assertThatThrownBy(() -> SharedKey.load("suite", file, SUITE)).hasMessageContaining("mode 0644");
    }

    @Test
    void missingEmptyAndDirectoryKeysAreRefused() throws IOException {
        assertThatThrownBy(() -> SharedKey.load("suite", dir.resolve("none.key"), SUITE)).hasMessageContaining("does not exist");
        Path empty = keyFile(" \n", "rw-------");
        assertThatThrownBy(() -> SharedKey.load("suite", empty, SUITE)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> SharedKey.load("suite", dir, SUITE)).hasMessageContaining("not a regular file");
    }

    @Test
    void generatedKeysAreRandomAndOwnerOnly() throws IOException {
        Path a = dir.resolve("keys/a.key");
        Path b = dir.resolve("keys/b.key");
        SharedKey.generate(a);
        SharedKey.generate(b);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(a)).isNotEqualTo(Files.readString(b));
        assertThat(SharedKey.load("a", a, SUITE).name()).isEqualTo("a");
        assertThatThrownBy(() -> SharedKey.generate(a)).isInstanceOf(IOException.class);
    }
}
