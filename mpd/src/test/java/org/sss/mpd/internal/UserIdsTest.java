package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** User ids from names through the C library. */
class UserIdsTest {
    @Test
    void rootIsZeroAndAnUnknownNameHasNone() {
        assertThat(UserIds.uidOf("root")).hasValue(0);
        assertThat(UserIds.uidOf("no-such-user-of-the-sss-tests")).isEmpty();
        assertThat(UserIds.uidOf("")).isEmpty();
        assertThat(UserIds.uidOf("ro\0ot")).isEmpty();
    }

    @Test
    void anotherUsersIdIsTheOneIdSays() throws Exception {
        Process id = new ProcessBuilder("id", "-u", "nobody").start();
        String uid = new String(id.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        org.assertj.core.api.Assumptions.assumeThat(id.waitFor()).as("the host has a user nobody").isZero();
        assertThat(UserIds.uidOf("nobody")).hasValue(Integer.parseInt(uid));
    }

    @Test
    void theProcessesOwnUserIsFound() {
        assertThat(UserIds.uidOf(System.getProperty("user.name"))).hasValue(Posix.uid());
    }
}
