package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.mpd.client.JobEvent;
import org.sss.schema.CreatepgType;

class ProcessGroupTest {
    private static ProcessGroup group() {
        return new ProcessGroup("7", "pg:7:ab", 7, "alice", "user alice", "label", "<x/>".getBytes(StandardCharsets.UTF_8),
                new CreatepgType(), Instant.EPOCH, new String[] {"a", "a"}, new String[] {"mon", "mon"}, 1024);
    }

    @Test
    void theRingsEventsBuildTheGroupAndItsEnd() {
        ProcessGroup group = group();
        group.apply(new JobEvent.Launched("3@node1", "pg:7:ab", List.of("node2", "node3")));
        group.apply(new JobEvent.Spawned("3@node1", "node2", Map.of(0, 100), 0));
        group.apply(new JobEvent.Output("3@node1", 0, null, 1, "hi\n".getBytes(StandardCharsets.UTF_8)));
        group.apply(new JobEvent.RankExited("3@node1", 0, 0, "node2", 0, 100, null));
        group.apply(new JobEvent.RankExited("3@node1", 1, 143, "node3", 15, 101, null));
        assertThat(group.state()).isEqualTo(ProcessGroup.State.RUNNING);
        assertThat(group.apply(new JobEvent.Ended("3@node1", 143, "killed"))).isNotNull();
        assertThat(group.state()).isEqualTo(ProcessGroup.State.ENDED);
        assertThat(group.ranks()).extracting(ProcessGroup.Rank::host).containsExactly("node2", "node3");
        assertThat(group.ranks().get(1).signalName()).isEqualTo("TERM");
        assertThat(new String(group.output().stdout(), StandardCharsets.UTF_8)).isEqualTo("0: hi\n");
        assertThat(group.apply(new JobEvent.RankExited("3@node1", 0, 9, "node2", 0, 100, null))).as("after the end").isNull();
        assertThat(group.ranks().getFirst().status()).isZero();
    }

    @Test
    void aCoProcessIsListedOnceWhicheverOfItsReportsComesFirst() {
        ProcessGroup exitFirst = group();
        exitFirst.apply(new JobEvent.CoProcessExited("3@node1", "node2", 200, 0, 0, null));
        exitFirst.apply(new JobEvent.Spawned("3@node1", "node2", Map.of(0, 100), 200));
        assertThat(exitFirst.coProcesses()).singleElement().satisfies(co -> assertThat(co.status()).isZero());
        ProcessGroup spawnFirst = group();
        spawnFirst.apply(new JobEvent.Spawned("3@node1", "node2", Map.of(0, 100), 200));
        assertThat(spawnFirst.coProcesses()).singleElement().satisfies(co -> assertThat(co.status()).isNull());
        spawnFirst.apply(new JobEvent.CoProcessExited("3@node1", "node2", 200, 1, 0, "failed"));
        assertThat(spawnFirst.coProcesses()).singleElement().satisfies(co -> assertThat(co.status()).isEqualTo(1));
    }

    @Test
    void aReplayStartsFromScratch() {
        ProcessGroup group = group();
        group.apply(new JobEvent.Output("3@node1", 0, null, 1, "once\n".getBytes(StandardCharsets.UTF_8)));
        group.resetForReplay();
        group.apply(new JobEvent.Output("3@node1", 0, null, 1, "once\n".getBytes(StandardCharsets.UTF_8)));
        group.end(255, "lost", Instant.EPOCH);
        assertThat(new String(group.output().stdout(), StandardCharsets.UTF_8)).isEqualTo("0: once\n");
        assertThat(group.ranks()).allSatisfy(r -> assertThat(r.status()).isEqualTo(255));
    }
}
