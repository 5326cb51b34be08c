package org.sss.nodestatemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.wire.Endpoint;
import org.sss.mpd.client.RingMember;

class NodeTableTest {
    private static RingMember member(String id, String host) {
        return new RingMember(id, host, new Endpoint(host, 7000));
    }

    @Test
    void aMachineWhoseMpdIdAndHostNameDifferIsOneNode() {
        NodeTable table = new NodeTable(List.of(new ClusterNodes.Node("node1", 2, Set.of()),
                new ClusterNodes.Node("c003", 2, Set.of())), Map.of(), Instant.EPOCH);
        table.ringSeen(List.of(member("node1", "c001"), member("node3", "c003"), member("m9", "c009")), "", Instant.EPOCH);
        assertThat(table.all()).extracting(NodeTable.View::name, view -> view.state().name(), NodeTable.View::configured)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("node1", "UP", true),
                        org.assertj.core.groups.Tuple.tuple("c003", "UP", true),
                        org.assertj.core.groups.Tuple.tuple("m9", "UP", false));
    }

    @Test
    void aChangeThatWasNotStoredIsAnnouncedAgainAtTheNextReading() {
        NodeTable table = new NodeTable(List.of(new ClusterNodes.Node("node1", 2, Set.of()),
                new ClusterNodes.Node("node2", 2, Set.of())), Map.of(), Instant.EPOCH);
        table.ringSeen(List.of(member("node1", "node1"), member("node2", "node2")), "", Instant.EPOCH);
        List<org.sss.lib.store.Outbox.Event> lost = table.ringSeen(List.of(member("node1", "node1")), "", Instant.EPOCH);
        assertThat(lost).hasSize(1);
        assertThat(table.ringSeen(List.of(member("node1", "node1")), "", Instant.EPOCH)).as("nothing changed since").isEmpty();
        table.notAnnounced(lost);
        assertThat(table.ringSeen(List.of(member("node1", "node1")), "", Instant.EPOCH))
                .extracting(change -> change.event().getNode().getName() + " " + change.event().getNode().getState().value())
                .containsExactly("node2 down");
        assertThat(table.ringSeen(List.of(member("node1", "node1")), "", Instant.EPOCH)).as("announced once more only").isEmpty();
    }
}
