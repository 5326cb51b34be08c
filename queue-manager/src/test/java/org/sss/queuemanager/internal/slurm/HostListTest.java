package org.sss.queuemanager.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostListTest {
    @Test
    void foldsConsecutiveNumbersIntoRanges() {
        assertThat(HostList.compress(List.of("node1", "node2", "node3", "node5"))).isEqualTo("node[1-3,5]");
    }

    @Test
    void sortsNumbersWithinAPrefix() {
        assertThat(HostList.compress(List.of("node3", "node1", "node2"))).isEqualTo("node[1-3]");
    }

    @Test
    void leavesOneHostUnbracketed() {
        assertThat(HostList.compress(List.of("node7"))).isEqualTo("node7");
    }

    @Test
    void keepsZeroPaddingAndDoesNotJoinDifferentWidths() {
        assertThat(HostList.compress(List.of("n01", "n02", "n03"))).isEqualTo("n[01-03]");
        assertThat(HostList.compress(List.of("n09", "n10"))).isEqualTo("n[09-10]");
        assertThat(HostList.compress(List.of("n9", "n010"))).isEqualTo("n[9,010]");
    }

    @Test
    void listsEachPrefixAndUnnumberedNamesApart() {
        assertThat(HostList.compress(List.of("cn1", "cn2", "gpu1", "login", "gpu3")))
                .isEqualTo("cn[1-2],gpu[1,3],login");
    }

    @Test
    void givesNothingForNoHosts() {
        assertThat(HostList.compress(List.of())).isEmpty();
    }
}
