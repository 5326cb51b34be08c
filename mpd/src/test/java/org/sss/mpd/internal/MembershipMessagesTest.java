package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

class MembershipMessagesTest {
    private static Member m(int i) {
        return new Member("n" + i, "host" + i, new Endpoint("127.0.0." + i, 1000 + i));
    }

    private static Membership ring(int from, int to) {
        Membership ring = Membership.alone(m(from));
        for (int i = from + 1; i <= to; i++) {
            ring = ring.with(m(i));
        }
        return ring;
    }

    /** The change travels as text, as on the wire. */
    private static MpdMessage wire(MpdMessage message) throws MalformedMessageException {
        return MpdMessage.parse(message.encode());
    }

    @Test
    void aChangeSinceAMembershipEveryoneKnowsAppliesToItAndToAnyNewerOne() throws MalformedMessageException {
        Membership base = ring(1, 6);
        Membership middle = base.without("n3").with(m(7));
        Membership next = middle.without("n7").without("n5").with(m(8));
        MpdMessage change = wire(MembershipMessages.change(base, next, new LinkedHashSet<>(List.of("n3", "n7", "n5"))));

        assertThat(MembershipMessages.isChange(change)).isTrue();
        assertThat(change.payload().length).isLessThan(MembershipMessages.whole(next, 0).payload().length);
        assertThat(MembershipMessages.applyChange(base, change)).isEqualTo(next);
        assertThat(MembershipMessages.applyChange(middle, change)).as("a member that knew n7 joined").isEqualTo(next);
    }

    @Test
    void aMemberThatLeftAndJoinedAgainGoesToTheEndWithItsNewAddress() throws MalformedMessageException {
        Membership base = ring(1, 4);
        Member moved = new Member("n2", "host2", new Endpoint("127.0.0.99", 7));
        Membership next = base.without("n2").with(moved);
        MpdMessage change = wire(MembershipMessages.change(base, next, Set.of("n2")));
        Membership applied = MembershipMessages.applyChange(base, change);
        assertThat(applied.members()).containsExactly(m(1), m(3), m(4), moved);
    }

    @Test
    void aMemberThatMissedARemovalCannotApplyTheChangeAndAsksForTheWholeRing() throws MalformedMessageException {
        Membership older = ring(1, 6);
        Membership base = older.without("n4");
        Membership next = base.without("n2");
        MpdMessage change = wire(MembershipMessages.change(base, next, Set.of("n2")));
        assertThat(MembershipMessages.applyChange(older, change)).as("n4 would stay").isNull();

        MpdMessage passed = wire(MembershipMessages.passOn(change, 5, true));
        assertThat(passed.get("gap")).isEqualTo("1");
        assertThat(passed.get("hops")).isEqualTo("5");
        assertThat(MembershipMessages.applyChange(base, passed)).isEqualTo(next);
    }

    @Test
    void aChangeThatDoesNotLeadToTheNewRingIsNotMade() {
        Membership base = ring(1, 4);
        Membership next = base.without("n2");
        assertThat(MembershipMessages.change(base, next, Set.of())).as("n2's removal not recorded").isNull();
        assertThat(MembershipMessages.change(next, base, Set.of())).as("not newer").isNull();
    }

    @Test
    void circulationsCoalesceAndSendChangesOnceOneCameBack() throws MalformedMessageException {
        Circulations circulations = new Circulations();
        Membership two = ring(1, 2);
        MpdMessage first = circulations.start(two);
        assertThat(MembershipMessages.isChange(first)).as("nothing known all round yet").isFalse();
        assertThat(circulations.inFlight()).isTrue();

        Membership four = ring(1, 4);
        assertThat(circulations.returned(two.epoch(), false, four)).as("the ring changed meanwhile").isTrue();
        MpdMessage second = circulations.start(four);
        assertThat(MembershipMessages.isChange(second)).isTrue();
        assertThat(MembershipMessages.applyChange(two, wire(second))).isEqualTo(four);

        Membership three = four.without("n3");
        circulations.removed(three.epoch(), Set.of("n3"));
        assertThat(circulations.returned(four.epoch(), true, three)).as("a gap").isTrue();
        assertThat(MembershipMessages.isChange(circulations.start(three))).as("after a gap, the whole ring").isFalse();
        assertThat(circulations.returned(three.epoch(), false, three)).as("nothing new").isFalse();
        assertThat(circulations.inFlight()).isFalse();
    }
}
