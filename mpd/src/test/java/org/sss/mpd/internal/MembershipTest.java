package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

class MembershipTest {
    private static Member m(int i) {
        return new Member("n" + i, "host" + i, new Endpoint("127.0.0." + i, 1000 + i));
    }

    @Test
    void joinsAppendAndNeighboursWrapAround() {
        Membership ring = Membership.alone(m(1)).with(m(2)).with(m(3));
        assertThat(ring.epoch()).isEqualTo(3);
        assertThat(ring.leader()).isEqualTo(m(1));
        assertThat(ring.rightOf("n3")).isEqualTo(m(1));
        assertThat(ring.leftOf("n1")).isEqualTo(m(3));
        assertThat(ring.rightOf("n1")).isEqualTo(m(2));
        assertThat(Membership.alone(m(1)).rightOf("n1")).isEqualTo(m(1));
    }

    @Test
    void losingTheLeaderMakesTheNextOneLead() {
        Membership ring = Membership.alone(m(1)).with(m(2)).with(m(3)).without("n1");
        assertThat(ring.leader()).isEqualTo(m(2));
        assertThat(ring.members()).containsExactly(m(2), m(3));
        assertThat(ring.without("nobody")).isSameAs(ring);
    }

    @Test
    void idsAreUnique() {
        assertThatThrownBy(() -> Membership.alone(m(1)).with(m(1))).hasMessageContaining("already in the ring");
    }

    @Test
    void membersTravelAsText() throws MalformedMessageException {
        List<Member> members = List.of(m(1), m(2));
        assertThat(Member.decodeAll(Member.encodeAll(members))).isEqualTo(members);
        assertThatThrownBy(() -> Member.decode("a|b")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Member.decode("a|b|nowhere")).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> new Member("a b", "h", new Endpoint("h", 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
