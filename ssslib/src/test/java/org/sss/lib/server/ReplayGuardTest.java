package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Signatures are refused the second time within the window, forgotten after it, and bounded in number. */
class ReplayGuardTest {
    private static final String SIG_A = "0123456789abcdef".repeat(4);
    private static final String SIG_B = "fedcba9876543210".repeat(4);

    @Test
    void aSignatureIsTakenOnceWithinTheWindowAndForgottenAfterIt() {
        ReplayGuard guard = new ReplayGuard(300, 10);
        assertThat(guard.admit(1000, SIG_A, 1000, "alice")).isEqualTo(ReplayGuard.Verdict.FRESH);
        assertThat(guard.admit(1000, SIG_A, 1100, "alice")).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.admit(1000, SIG_A.toUpperCase(java.util.Locale.ROOT), 1300, "alice")).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        assertThat(guard.admit(1000, SIG_B, 1300, "alice")).isEqualTo(ReplayGuard.Verdict.FRESH);
        assertThat(guard.size()).isEqualTo(2);
        // At 1301 a request of second 1000 is stale (the transport refuses it before asking): both are forgotten.
        assertThat(guard.admit(1301, SIG_A, 1301, "alice")).isEqualTo(ReplayGuard.Verdict.FRESH);
        assertThat(guard.size()).isEqualTo(1);
    }

    @Test
    void whenFullNewSignaturesAreRefusedUntilOldOnesExpire() {
        ReplayGuard guard = new ReplayGuard(300, 8);
        String[] sigs = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
        assertThat(guard.admit(1000, SIG_A, 1000, "alice")).isEqualTo(ReplayGuard.Verdict.FRESH);
        assertThat(guard.admit(1001, SIG_B, 1001, "alice")).isEqualTo(ReplayGuard.Verdict.FRESH);
        assertThat(guard.admit(1002, sigs[0].repeat(64), 1002, "alice")).as("alice's quarter of 8 is used")
                .isEqualTo(ReplayGuard.Verdict.FULL);
        assertThat(guard.admit(1001, SIG_B, 1002, "alice")).isEqualTo(ReplayGuard.Verdict.REPLAYED);
        for (int i = 0; i < 6; i++) {
            assertThat(guard.admit(1002, sigs[i].repeat(64), 1002, "user" + i / 2)).isEqualTo(ReplayGuard.Verdict.FRESH);
        }
        assertThat(guard.admit(1002, sigs[6].repeat(64), 1002, "bob")).as("8 in all").isEqualTo(ReplayGuard.Verdict.FULL);
        assertThat(guard.admit(1302, sigs[7].repeat(64), 1301, "alice")).as("alice's first one expired")
                .isEqualTo(ReplayGuard.Verdict.FRESH);
    }
}
