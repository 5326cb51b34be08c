package org.sss.sssjob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SrunTermsTest {
    private static String of(String message) {
        return SrunTerms.of(new CliException(ExitStatus.USAGE, message)).getMessage();
    }

    @Test
    void aRefusalNamesTheSrunOptionsTheQsubOnesWereMadeFrom() {
        assertThat(of("-l nodes: unknown node node9: the node state manager does not know it"))
                .isEqualTo("-N/-n/-w/-C/--gres: unknown node node9: the node state manager does not know it");
        assertThat(of("-W exclude: node node2 is also required")).isEqualTo("-x: node node2 is also required");
        assertThat(of("-l walltime=99:00:00: queue batch allows at most 24:00:00"))
                .isEqualTo("-t 99:00:00: queue batch allows at most 24:00:00");
        assertThat(of("-q nosuch: unknown queue")).isEqualTo("-p nosuch: unknown queue");
        assertThat(of("reservation res9 does not exist")).as("nothing to put").isEqualTo("reservation res9 does not exist");
        assertThat(SrunTerms.of(new CliException(ExitStatus.REFUSED, "-q x: no")).status()).isEqualTo(ExitStatus.REFUSED);
    }
}
