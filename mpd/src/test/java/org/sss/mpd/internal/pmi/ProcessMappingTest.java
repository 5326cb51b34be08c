package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessMappingTest {
    @Test
    void oneHostIsOneBlock() {
        assertThat(ProcessMapping.of(new int[] {0, 0, 0, 0})).contains("(vector,(0,1,4))");
    }

    @Test
    void roundRobinIsOneRankPerHostRepeated() {
        assertThat(ProcessMapping.of(new int[] {0, 1, 2, 0, 1, 2, 0})).contains("(vector,(0,3,1))");
    }

    @Test
    void ppnIsConsecutiveRanksPerHost() {
        assertThat(ProcessMapping.of(new int[] {5, 5, 9, 9, 2, 2})).contains("(vector,(0,3,2))");
    }

    @Test
    void irregularPlacementsAreListedBlockByBlock() {
        assertThat(ProcessMapping.of(new int[] {1, 1, 3, 1, 1, 3, 1})).as("the cycle repeats over the ranks")
                .contains("(vector,(0,1,2),(1,1,1))");
        assertThat(ProcessMapping.of(new int[] {0, 0, 1, 2, 2, 2})).contains("(vector,(0,2,1),(2,1,3))".replace("(0,2,1),(2,1,3)", "(0,1,2),(1,1,1),(2,1,3)"));
    }

    @Test
    void aPermutationOfHostsRepeatedIsOneBlock() {
        int[] ranks = new int[970];
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = (r * 7919) % 97;
        }
        assertThat(ProcessMapping.of(ranks)).contains("(vector,(0,97,1))");
    }

    @Test
    void aMappingTooLongForAReplyIsLeftOut() {
        java.util.Random random = new java.util.Random(42);
        int[] ranks = new int[2000];
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = random.nextInt(50);
        }
        assertThat(ProcessMapping.of(ranks)).isEmpty();
        assertThat(ProcessMapping.of(new int[0])).isEmpty();
    }
}
