package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

class PartitionHealerTest {
    private static Member member(String id) {
        return new Member(id, id, new Endpoint("127.0.0.1", 1));
    }

    @Test
    void theBiggerRingWinsAndATieGoesToTheSmallerLeaderId() {
        Membership three = new Membership(5, List.of(member("b"), member("c"), member("d")));
        Membership two = new Membership(9, List.of(member("a"), member("e")));
        Membership otherTwo = new Membership(2, List.of(member("c"), member("a")));
        assertThat(PartitionHealer.wins(three, two)).isTrue();
        assertThat(PartitionHealer.wins(two, three)).isFalse();
        assertThat(PartitionHealer.wins(two, otherTwo)).as("a < c").isTrue();
        assertThat(PartitionHealer.wins(otherTwo, two)).isFalse();
    }
}
