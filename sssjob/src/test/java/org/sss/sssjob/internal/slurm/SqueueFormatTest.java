package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

class SqueueFormatTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:01:05Z");
    private static final Job RUNNING = new Job(Map.ofEntries(Map.entry("id", "17[3]"), Map.entry("array-index", "3"),
            Map.entry("name", "simulation"), Map.entry("user", "alice"), Map.entry("queue", "batch"),
            Map.entry("state", "running"), Map.entry("nodes", "3"), Map.entry("ppn", "2"), Map.entry("walltime", "5400"),
            Map.entry("started", "2026-12-06T10:00:00Z"), Map.entry("allocated", "node1 node2 node3")));
    private static final Job HELD = new Job(Map.of("id", "18", "name", "h", "user", "bob", "queue", "short",
            "state", "held", "nodes", "1", "ppn", "1", "walltime", "0"));

    @Test
    void defaultFormatIsSlurms() throws CliException {
        SqueueFormat format = SqueueFormat.parse(SqueueFormat.DEFAULT);
        assertThat(format.header()).isEqualTo(
                "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)");
        assertThat(format.line(RUNNING, NOW)).isEqualTo(
                "              17_3     batch simulati    alice  R       1:05      3 node[1-3]");
        assertThat(format.line(HELD, NOW)).isEqualTo(
                "                18     short        h      bob PD       0:00      1 (JobHeldUser)");
    }

    @Test
    void everyFieldHasItsValue() throws CliException {
        SqueueFormat format = SqueueFormat.parse("%i|%j|%u|%t|%T|%M|%l|%D|%R|%P|%N|%C|%r|%a|%A|%%");
        assertThat(format.line(RUNNING, NOW)).isEqualTo(
                "17_3|simulation|alice|R|RUNNING|1:05|1:30:00|3|node[1-3]|batch|node[1-3]|6|None|(null)|17|%");
        assertThat(format.line(HELD, NOW)).isEqualTo(
                "18|h|bob|PD|PENDING|0:00|UNLIMITED|1|(JobHeldUser)|short||1|JobHeldUser|(null)|18|%");
    }

    @Test
    void widthsPadAndCutLeftOrRight() throws CliException {
        assertThat(SqueueFormat.parse("[%.6i][%-4j][%4j]").line(RUNNING, NOW)).isEqualTo("[  17_3][simu][simu]");
    }

    @Test
    void refusesAnUnsupportedField() {
        assertThatThrownBy(() -> SqueueFormat.parse("%i %Z")).hasMessageContaining("%Z is not supported");
    }
}
