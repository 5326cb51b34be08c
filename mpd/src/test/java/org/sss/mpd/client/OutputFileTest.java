package org.sss.mpd.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads from an offset, bounded; a link or another user's file is not read. */
class OutputFileTest {
    @TempDir
    Path dir;

    private final String me = System.getProperty("user.name");

    @Test
    void readsFromAnOffsetAndSaysWhereToGoOn() throws IOException {
        Path file = dir.resolve("job.o1");
        Files.writeString(file, "first line\nsecond line\n");
        OutputFile.Chunk all = OutputFile.read(file.toString(), me, 0);
        assertThat(new String(all.bytes(), StandardCharsets.UTF_8)).isEqualTo("first line\nsecond line\n");
        assertThat(all.nextOffset()).isEqualTo(23);
        Files.writeString(file, "third\n", java.nio.file.StandardOpenOption.APPEND);
        OutputFile.Chunk rest = OutputFile.read(file.toString(), me, all.nextOffset());
        assertThat(new String(rest.bytes(), StandardCharsets.UTF_8)).isEqualTo("third\n");
        assertThat(OutputFile.read(file.toString(), me, 1000).bytes()).isEmpty();
    }

    @Test
    void aMissingFileIsEmptyNotAnError() {
        OutputFile.Chunk chunk = OutputFile.read(dir.resolve("not-yet").toString(), me, 0);
        assertThat(chunk.bytes()).isEmpty();
        assertThat(chunk.problem()).isEmpty();
        assertThat(OutputFile.read(null, me, 0).bytes()).isEmpty();
    }

    @Test
    void aLinkOrAnotherUsersFileIsNotRead() throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "not yours");
        Path link = dir.resolve("job.o2");
        Files.createSymbolicLink(link, secret);
        OutputFile.Chunk linked = OutputFile.read(link.toString(), me, 0);
        assertThat(linked.bytes()).isEmpty();
        assertThat(linked.problem()).contains("not a regular file");
        OutputFile.Chunk foreign = OutputFile.read(secret.toString(), "someone-else", 0);
        assertThat(foreign.bytes()).isEmpty();
        assertThat(foreign.problem()).contains("owned by " + me);
    }

    @Test
    void aChunkIsBounded() throws IOException {
        Path file = dir.resolve("big");
        Files.write(file, new byte[OutputFile.MAX_CHUNK + 10]);
        OutputFile.Chunk first = OutputFile.read(file.toString(), me, 0);
        assertThat(first.bytes()).hasSize(OutputFile.MAX_CHUNK);
        assertThat(OutputFile.read(file.toString(), me, first.nextOffset()).bytes()).hasSize(10);
    }

    /** A FIFO in the file's place is refused without blocking (opening it for reading would wait for a writer). */
    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("job.o3");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        OutputFile.Chunk chunk = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> OutputFile.read(fifo.toString(), me, 0));
        assertThat(chunk.bytes()).isEmpty();
        assertThat(chunk.problem()).contains("not a regular file");
    }

    /**
     * A directory on the way that is swapped for a link to another user's directory, over and over, never gets that
     * user's file read: what is read is checked after it was pinned. Here the other directory holds a file of the
     * same name owned by another user (root's /etc/passwd stands for it when the test is not run as root).
     */
    @Test
    void aDirectorySwappedForALinkOnTheWayNeverLeadsToAnotherUsersFile() throws Exception {
        Path mine = Files.createDirectory(dir.resolve("mine"));
        Files.writeString(mine.resolve("passwd"), "mine\n");
        Path theirs = Path.of("/etc");
        boolean root = "root".equals(me);
        String owner = root ? "nobody" : me;
        if (root) {
            Files.setOwner(mine.resolve("passwd"), dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("nobody"));
        }
        Path flip = dir.resolve("flip");
        java.util.concurrent.atomic.AtomicBoolean flipping = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread flipper = Thread.ofPlatform().start(() -> {
            Path toMine = dir.resolve("to-mine");
            Path toTheirs = dir.resolve("to-theirs");
            try {
                while (flipping.get()) {
                    Files.deleteIfExists(toMine);
                    Files.createSymbolicLink(toMine, mine);
                    Files.move(toMine, flip, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(toTheirs);
                    Files.createSymbolicLink(toTheirs, theirs);
                    Files.move(toTheirs, flip, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int readMine = 0;
        try {
            for (int i = 0; i < 20_000; i++) {
                OutputFile.Chunk chunk = OutputFile.read(flip.resolve("passwd").toString(), owner, 0);
                String text = new String(chunk.bytes(), StandardCharsets.UTF_8);
                assertThat(text).as("only the owner's own file is ever read").isIn("", "mine\n");
                readMine += text.isEmpty() ? 0 : 1;
            }
        } finally {
            flipping.set(false);
            flipper.join();
        }
        assertThat(readMine).as("the owner's file is read when the link points to it").isPositive();
    }
}
