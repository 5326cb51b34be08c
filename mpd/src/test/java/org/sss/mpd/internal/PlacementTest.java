package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

class PlacementTest {
    private static final Membership RING = Membership.alone(member("a")).with(member("b")).with(member("c")).with(member("d"));

    private static Member member(String id) {
        return new Member(id, "host-" + id, new Endpoint("127.0.0.1", 1000 + id.charAt(0)));
    }

    private static JobSpec job(int size, List<String> hosts, int ppn, List<String> machines) {
        return new JobSpec("", "u", "/", "merged", List.of(), List.of(new JobSpec.RankSet(size, "x", List.of(), List.of())),
                new JobSpec.Wishes(List.of(), machines, hosts, ppn), List.of(), new int[0], 4, 5000, List.of(), "", null);
    }

    private static String hostsOfRanks(Placement placement) {
        StringBuilder text = new StringBuilder();
        for (int host : placement.rankHost()) {
            text.append(placement.tree().get(host));
        }
        return text.toString();
    }

    @Test
    void roundRobinStartsAtTheRootAndGoesRoundTheRing() {
        Placement placement = Placement.of(job(6, List.of(), 0, List.of()), RING, "c");
        assertThat(hostsOfRanks(placement)).isEqualTo("cdabcd");
        assertThat(placement.tree()).containsExactly("c", "d", "a", "b");
    }

    @Test
    void explicitHostsPlaceEveryRankExactlyByIdOrHostName() {
        JobSpec spec = new JobSpec("", "u", "/", "merged", List.of(), List.of(new JobSpec.RankSet(4, "x", List.of(), List.of())),
                new JobSpec.Wishes(List.of("host-d", "b", "host-d", "b"), List.of(), List.of(), 0), List.of(), new int[0], 4,
                5000, List.of(), "", null);
        Placement placement = Placement.of(spec, RING, "a");
        assertThat(hostsOfRanks(placement)).isEqualTo("dbdb");
        assertThat(placement.tree()).containsExactly("a", "d", "b");
    }

    @Test
    void anExplicitHostOutsideTheRingIsRefused() {
        JobSpec spec = new JobSpec("", "u", "/", "merged", List.of(), List.of(new JobSpec.RankSet(1, "x", List.of(), List.of())),
                new JobSpec.Wishes(List.of("node9"), List.of(), List.of(), 0), List.of(), new int[0], 4, 5000, List.of(), "", null);
        assertThatThrownBy(() -> Placement.of(spec, RING, "a")).hasMessageContaining("node9");
    }

    @Test
    void ppnFillsEachHostInTurn() {
        assertThat(hostsOfRanks(Placement.of(job(7, List.of(), 3, List.of()), RING, "a"))).isEqualTo("aaabbbc");
    }

    @Test
    void hostsSelectByIdOrHostNameAndTheRootLeadsTheTreeEvenWithoutRanks() {
        Placement placement = Placement.of(job(3, List.of("host-d", "b"), 0, List.of()), RING, "a");
        assertThat(hostsOfRanks(placement)).isEqualTo("dbd");
        assertThat(placement.tree()).containsExactly("a", "d", "b");
    }

    @Test
    void aMachinefileGivesEachHostItsCountAndWraps() {
        assertThat(hostsOfRanks(Placement.of(job(7, List.of(), 0, List.of("b:2", "d")), RING, "a"))).isEqualTo("bbdbbdb");
    }

    @Test
    void unknownHostsAndBadCountsAreNamed() {
        assertThatThrownBy(() -> Placement.of(job(1, List.of("zz"), 0, List.of()), RING, "a")).hasMessageContaining("zz");
        assertThatThrownBy(() -> Placement.of(job(1, List.of(), 0, List.of("b:x")), RING, "a")).hasMessageContaining("b:x");
        assertThatThrownBy(() -> Placement.of(job(1, List.of(), 0, List.of("b:0")), RING, "a")).hasMessageContaining("below 1");
    }
}
