package org.sss.mpd.internal.pmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobKvsTest {
    @Test
    void aSubtreeGoesUpOnlyWhenItsRanksAndChildrenAreAllIn() {
        JobKvs kvs = new JobKvs("k", 2, 1, Map.of());
        List<String> released = new ArrayList<>();
        kvs.put("a", "1");
        assertThat(kvs.rankIn(() -> released.add("r0"))).isEmpty();
        assertThat(kvs.childIn(Map.of("c", "3"))).isEmpty();
        JobKvs.Contribution up = kvs.rankIn(() -> released.add("r1")).orElseThrow();
        assertThat(up.puts()).containsEntry("a", "1").containsEntry("c", "3");
        assertThat(kvs.get("a")).as("not visible before the commit").isEmpty();
        kvs.commit(Map.of("a", "1", "c", "3", "other", "4")).forEach(Runnable::run);
        assertThat(released).containsExactly("r0", "r1");
        assertThat(kvs.get("other")).contains("4");
        assertThat(kvs.waitingRanks()).isZero();
    }

    @Test
    void eachFenceStartsAfresh() {
        JobKvs kvs = new JobKvs("k", 1, 0, Map.of());
        kvs.put("x", "1");
        JobKvs.Contribution first = kvs.rankIn(() -> { }).orElseThrow();
        kvs.commit(first.puts());
        JobKvs.Contribution second = kvs.rankIn(() -> { }).orElseThrow();
        assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
        assertThat(second.puts()).isEmpty();
    }
}
