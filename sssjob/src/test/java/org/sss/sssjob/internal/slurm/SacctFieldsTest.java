package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/** sacct's columns: names in any case with widths, the table's alignment, the parsable lines, and refusals. */
class SacctFieldsTest {
    private static final Job FAILED = new Job(Map.ofEntries(Map.entry("id", "17[3]"), Map.entry("array-index", "3"),
            Map.entry("name", "simulation-long"), Map.entry("queue", "batch"), Map.entry("state", "completed"),
            Map.entry("exit-status", "2"), Map.entry("nodes", "2"), Map.entry("ppn", "4"),
            Map.entry("allocated", "node1 node2"), Map.entry("started", "2026-12-07T10:00:00Z"),
            Map.entry("ended", "2026-12-07T10:01:05Z")));

    @Test
    void theDefaultTableAlignsAsSacctAndCutsWithAPlus() throws CliException {
        List<SacctFields.Column> columns = SacctFields.columns(SacctFields.DEFAULT);
        assertThat(SacctFields.header(columns)).isEqualTo(
                "JobID        JobName     Partition    Account  AllocCPUS      State ExitCode \n"
                + "------------ ---------- ---------- ---------- ---------- ---------- -------- \n");
        assertThat(SacctFields.line(columns, FAILED, Instant.now(), null, false))
                .isEqualTo("17_3         simulatio+      batch                     8     FAILED      2:0 ");
    }

    @Test
    void fieldsAreFoundInAnyCaseWithTheirWidthsAndParsableLinesKeepWholeValues() throws CliException {
        List<SacctFields.Column> columns = SacctFields.columns("jobid,JOBNAME%20,elapsed,nodelist");
        assertThat(columns).extracting(SacctFields.Column::width).containsExactly(12, 20, 10, 15);
        assertThat(SacctFields.line(columns, FAILED, Instant.now(), "|", true))
                .isEqualTo("17_3|simulation-long|00:01:05|node[1-2]|");
        assertThat(SacctFields.line(columns, FAILED, Instant.now(), "|", false))
                .isEqualTo("17_3|simulation-long|00:01:05|node[1-2]");
    }

    @Test
    void refusesUnknownFieldsAndBadWidths() {
        assertThatThrownBy(() -> SacctFields.columns("JobID,CPUTimeRAW")).hasMessageStartingWith(
                "Invalid field requested: \"CPUTimeRAW\"");
        assertThatThrownBy(() -> SacctFields.columns("JobName%0")).hasMessageContaining("bad width");
        assertThatThrownBy(() -> SacctFields.columns(",")).hasMessageContaining("names no field");
    }
}
