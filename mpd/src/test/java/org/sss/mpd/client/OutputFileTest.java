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
}
