package org.sss.lib.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void md5IsTheHexDigestOfChallengeFollowedByKeyAsGoldComputesIt() {
        // md5_hex("abc" . "") is the RFC 1321 test vector for "abc".
        assertThat(Digest.MD5.answer("a", "bc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("900150983cd24fb0d6963f7d28e17f72");
    }

    @Test
    void hmacSha256IsKeyedWithTheSharedKeyOverTheChallenge() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        assertThat(Digest.HMAC_SHA256.answer("what do ya want for nothing?", "Jefe".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void configNamesRoundTripAndUnknownNamesAreRefused() {
        for (Digest digest : Digest.values()) {
            assertThat(Digest.fromConfig(digest.configName())).isEqualTo(digest);
        }
        assertThatThrownBy(() -> Digest.fromConfig("sha1")).isInstanceOf(IllegalArgumentException.class);
    }
}
