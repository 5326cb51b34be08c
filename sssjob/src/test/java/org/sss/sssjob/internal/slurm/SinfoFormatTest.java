package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinfoFormatTest {
    private static final List<Map<String, String>> QUEUES = List.of(
            Map.of("name", "batch", "default", "true", "max-walltime", "3600"), Map.of("name", "short"));
    private static final List<Map<String, String>> NODES = List.of(
            Map.of("name", "node1", "slots", "2", "used-slots", "0", "state", "up"),
            Map.of("name", "node2", "slots", "4", "used-slots", "4", "state", "up", "features", "gpu ib"),
            Map.of("name", "node3", "slots", "2", "used-slots", "0", "state", "drained", "reason", "fan"),
            Map.of("name", "node4", "slots", "2", "used-slots", "0", "state", "up"));

    @Test
    void groupsEachPartitionsNodesByTheNodeFieldsShown() throws Exception {
        assertThat(SinfoFormat.parse("%P %.5D %f").lines(QUEUES, NODES, List.of(), false, true)).containsExactly(
                "PARTITION NODES AVAIL_FEATURES",
                "batch*     3 (null)",
                "batch*     1 gpu,ib",
                "short     3 (null)",
                "short     1 gpu,ib");
        assertThat(SinfoFormat.parse("%N|%t|%T|%c|%E").lines(QUEUES, NODES, List.of("short"), false, false))
                .containsExactly("node[1,4]|idle|idle|2|none", "node2|alloc|allocated|4|none", "node3|drain|drained|2|fan");
        assertThat(SinfoFormat.parse("%N %l %a %R").lines(QUEUES, NODES, List.of("batch"), true, false))
                .as("-N: a line per node").containsExactly("node1 1:00:00 up batch", "node2 1:00:00 up batch",
                        "node3 1:00:00 up batch", "node4 1:00:00 up batch");
    }

    @Test
    void summarizesEachPartitionsNodesAsAllocatedIdleOtherTotal() throws Exception {
        assertThat(SinfoFormat.parse(SinfoCommand.SUMMARY).lines(QUEUES, NODES, List.of(), false, true)).containsExactly(
                "PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T) NODELIST",
                "batch*       up    1:00:00          1/2/1/4 node[1-4]",
                "short        up   infinite          1/2/1/4 node[1-4]");
        assertThat(SinfoFormat.parse(SinfoCommand.REASONS).lines(QUEUES.subList(0, 1), NODES.subList(2, 3), List.of(),
                false, true)).containsExactly("REASON               NODELIST", "fan                  node3");
    }

    @Test
    void refusesAFieldItDoesNotHave() {
        assertThatThrownBy(() -> SinfoFormat.parse("%N %m")).hasMessage("--format: field %m is not supported "
                + "(supported: %P %R %a %l %D %t %T %N %f %G %c %E %F)");
    }
}
