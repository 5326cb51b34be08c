package org.sss.queuemanager.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TasksPerNodeTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "6 | 3 | 2(x3)",
            "5 | 2 | 3,2",
            "8 | 3 | 3(x2),2",
            "1 | 1 | 1",
            "7 | 4 | 2(x3),1",
    })
    void writesSlurmsCompressedCounts(int tasks, int nodes, String shown) {
        assertThat(SlurmRequest.Shape.tasksPerNode(tasks, nodes)).isEqualTo(shown);
    }
}
