package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The record's arithmetic: the launch tree, sets and ranks. The wire form is {@link JobSpecCodecTest}'s. */
class JobSpecTest {
    @Test
    void theTreeIsKAry() {
        JobSpec spec = new JobSpec("1@a", "", "/", "merged", List.of(), List.of(new JobSpec.RankSet(1, "x", List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of("a", "b", "c", "d", "e", "f"), new int[] {0}, 3, 5000, List.of(), "", null);
        assertThat(spec.childrenOf(0)).containsExactly(1, 2, 3);
        assertThat(spec.childrenOf(1)).containsExactly(4, 5);
        assertThat(spec.childrenOf(2)).isEmpty();
        assertThat(spec.parentOf(5)).isEqualTo(1);
        assertThat(spec.parentOf(0)).isEqualTo(-1);
    }

    @Test
    void ranksMapToTheirSetsAndHosts() {
        JobSpec spec = new JobSpec("1@a", "", "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(2, "x", List.of(), List.of()), new JobSpec.RankSet(1, "y", List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of("a", "b"), new int[] {1, 0, 1}, 4, 5000, List.of(), "", null);
        assertThat(spec.size()).isEqualTo(3);
        assertThat(spec.setOf(1).exec()).isEqualTo("x");
        assertThat(spec.setOf(2).exec()).isEqualTo("y");
        assertThat(spec.appnum(2)).isEqualTo(1);
        assertThat(spec.ranksOn(1)).containsExactly(0, 2);
        assertThatThrownBy(() -> spec.setOf(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
