package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a group whose rank could not start is explained: by the last line its start wrote. */
class EndReasonTest {
    private static byte[] said(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRankThatCouldNotStartIsExplainedByTheLastLineItsStartWrote() {
        assertThat(EndReason.of("rank 0 on node1 exited 126", 126,
                said("sss-exec: cannot open the output file: /home/alice/gone/job.o7: No such file or directory\n")))
                .isEqualTo("rank 0 on node1 exited 126: sss-exec: cannot open the output file: /home/alice/gone/job.o7:"
                        + " No such file or directory");
    }

    @Test
    void aReasonThatSaysItAlreadyIsNotRepeatedAndOtherEndsKeepTheirs() {
        String words = "cannot execute /spool/7/script: exec /spool/7/script: no such file or directory";
        assertThat(EndReason.of(words, 127, said("mpd node1: rank 0: " + words + "\n"))).isEqualTo(words);
        assertThat(EndReason.of("rank 0 on node1 exited 1", 1, said("anything\n"))).isEqualTo("rank 0 on node1 exited 1");
        assertThat(EndReason.of("", 127, said(""))).isEmpty();
        assertThat(EndReason.of(null, 127, said("exec failed\n"))).isEqualTo("exec failed");
    }
}
