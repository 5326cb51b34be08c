package org.sss.mpd.internal.pmix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PmixFenceTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSubtreeGoesUpOnceTheLibraryAndEveryChildAreIn() {
        PmixFence fence = new PmixFence(true, 2);
        assertThat(fence.childIn(bytes("B"))).isEmpty();
        assertThat(fence.localIn(7, bytes("A"))).isEmpty();
        assertThat(fence.childIn(bytes("C")).map(String::new)).contains("BAC");
        assertThat(fence.complete()).containsExactly(7L);
        assertThat(fence.complete()).as("answered once").isEmpty();
        assertThat(fence.localIn(8, bytes("A2"))).isEmpty();
        assertThat(fence.childIn(bytes("")).isEmpty()).isTrue();
        assertThat(fence.childIn(bytes("C2")).map(String::new)).as("the next fence starts afresh").contains("A2C2");
    }

    @Test
    void aHostWithoutRanksWaitsForItsChildrenOnlyAndALeafForItsLibraryOnly() {
        PmixFence root = new PmixFence(false, 1);
        assertThat(root.childIn(bytes("X")).map(String::new)).contains("X");
        assertThat(root.complete()).isEmpty();
        PmixFence leaf = new PmixFence(true, 0);
        assertThat(leaf.localIn(1, new byte[0])).hasValueSatisfying(data -> assertThat(data).isEmpty());
    }
}
