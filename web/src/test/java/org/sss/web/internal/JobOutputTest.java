package org.sss.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOutputTest {
    @TempDir
    Path dir;

    private final String me = System.getProperty("user.name");

    @Test
    void readsFromAnOffsetAndSaysWhereToGoOn() throws IOException {
        Path file = dir.resolve("job.o1");
        Files.writeString(file, "first line\nsecond line\n");
        JobOutput.Chunk all = JobOutput.read(file.toString(), me, 0);
        assertThat(new String(all.bytes(), StandardCharsets.UTF_8)).isEqualTo("first line\nsecond line\n");
        assertThat(all.nextOffset()).isEqualTo(23);
        Files.writeString(file, "third\n", java.nio.file.StandardOpenOption.APPEND);
        JobOutput.Chunk rest = JobOutput.read(file.toString(), me, all.nextOffset());
        assertThat(new String(rest.bytes(), StandardCharsets.UTF_8)).isEqualTo("third\n");
        assertThat(JobOutput.read(file.toString(), me, 1000).bytes()).isEmpty();
    }

    @Test
    void aMissingFileIsEmptyNotAnError() {
        JobOutput.Chunk chunk = JobOutput.read(dir.resolve("not-yet").toString(), me, 0);
        assertThat(chunk.bytes()).isEmpty();
        assertThat(chunk.problem()).isEmpty();
        assertThat(JobOutput.read(null, me, 0).bytes()).isEmpty();
    }

    @Test
    void aLinkOrAnotherUsersFileIsNotRead() throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "not yours");
        Path link = dir.resolve("job.o2");
        Files.createSymbolicLink(link, secret);
        JobOutput.Chunk linked = JobOutput.read(link.toString(), me, 0);
        assertThat(linked.bytes()).isEmpty();
        assertThat(linked.problem()).contains("not a regular file");
        JobOutput.Chunk foreign = JobOutput.read(secret.toString(), "someone-else", 0);
        assertThat(foreign.bytes()).isEmpty();
        assertThat(foreign.problem()).contains("owned by " + me);
        assertThat(JobOutput.problemFor(foreign, true)).as("an administrator is told").contains("owned by " + me);
        JobOutput.Chunk missing = JobOutput.read(dir.resolve("never-written").toString(), "someone-else", 0);
        assertThat(JobOutput.problemFor(foreign, false)).as("a user cannot tell another's file from no file")
                .isEqualTo(JobOutput.problemFor(missing, false)).isEmpty();
    }

    @Test
    void aChunkIsBounded() throws IOException {
        Path file = dir.resolve("big");
        Files.write(file, new byte[JobOutput.MAX_CHUNK + 10]);
        JobOutput.Chunk first = JobOutput.read(file.toString(), me, 0);
        assertThat(first.bytes()).hasSize(JobOutput.MAX_CHUNK);
        assertThat(JobOutput.read(file.toString(), me, first.nextOffset()).bytes()).hasSize(10);
    }
}
