package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAreAsWideAsTheirWidestCellUpToTheirLimit() {
        Table table = new Table(List.of("ID", "NAME", "REASON"), 5, 6, 100);
        table.add("17", "a-very-long-name", "waiting for node1");
        table.add("123456", "x", "");
        assertThat(table.render()).isEqualTo("""
                ID    NAME   REASON
                ----- ------ -----------------
                17    a-ver+ waiting for node1
                1234+ x
                """);
    }

    @Test
    void jobIdsAreChecked() throws CliException {
        assertThat(JobIds.check("17[3].login1")).isEqualTo("17[3].login1");
        assertThatThrownBy(() -> JobIds.check("17;rm")).hasMessageContaining("not a job id");
    }
}
