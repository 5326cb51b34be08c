package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

class ConfinedPlacementTest {
    private static final Membership RING = Membership.alone(member("node1")).with(member("node2")).with(member("node3"));
    private static final Confinement HELD = new Confinement("job-7-1", List.of("node1", "node2"), 0, 0, "");

    private static Member member(String id) {
        return new Member(id, "host-" + id, new Endpoint("127.0.0.1", 1000 + id.charAt(4)));
    }

    private static JobSpec job(int size, List<String> hosts, Confinement held) {
        return new JobSpec("", "u", "/", "merged", List.of(), List.of(new JobSpec.RankSet(size, "x", List.of(), List.of())),
                new JobSpec.Wishes(List.of(), List.of(), hosts, 0), List.of(), new int[0], 4, 5000, List.of(), "", null,
                PmiMode.BOTH, held);
    }

    @Test
    void aJobThatNamesNoHostsIsPlacedOnItsAllocation() {
        Placement placement = ConfinedPlacement.of(job(4, List.of(), HELD), RING, "node3");
        assertThat(placement.tree()).containsExactly("node3", "node1", "node2");
        assertThat(placement.rankHost()).containsExactly(1, 2, 1, 2);
    }

    @Test
    void aHostOutsideTheAllocationIsRefusedNamingTheJobAndTheHost() {
        assertThatThrownBy(() -> ConfinedPlacement.of(job(2, List.of("node1", "node3"), HELD), RING, "node1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job-7-1 was given node1,node2 only: node3 is outside its allocation; no rank was started");
    }

    @Test
    void anAllocationMayNameHostsByHostName() {
        Confinement byName = new Confinement("job-8-1", List.of("host-node2"), 0, 0, "");
        assertThat(ConfinedPlacement.of(job(2, List.of("node2"), byName), RING, "node1").tree()).containsExactly("node1", "node2");
    }

    @Test
    void aJobWithoutAnAllocationGoesAnywhere() {
        assertThat(ConfinedPlacement.of(job(3, List.of(), Confinement.NONE), RING, "node1").tree())
                .containsExactly("node1", "node2", "node3");
    }

    @Test
    void theConfinementTravelsWithTheSpecAndTheRootOwnsIt() throws MalformedMessageException {
        JobSpec placed = job(1, List.of(), new Confinement("job-9-1", List.of("node1"), 104857600, 5, ""))
                .placed("4@node1", List.of("node1"), new int[] {0}, 4, 5000);
        JobSpec decoded = JobSpecCodec.decode(JobSpecCodec.encode(placed));
        assertThat(decoded.confinement()).isEqualTo(new Confinement("job-9-1", List.of("node1"), 104857600, 5, "4@node1"));
        JobSpec nested = decoded.placed("5@node1", List.of("node1"), new int[] {0}, 4, 5000);
        assertThat(nested.confinement().owner()).as("an inherited confinement keeps its owner").isEqualTo("4@node1");
    }

    @Test
    void aConfinementNameThatCannotNameADirectoryIsMalformed() {
        byte[] body = "user=u\nwdir=/\noutput=merged\ncgroup=../../etc\nset=1\nexec=x\n".getBytes();
        assertThatThrownBy(() -> JobSpecCodec.decode(body)).isInstanceOf(MalformedMessageException.class);
    }
}
