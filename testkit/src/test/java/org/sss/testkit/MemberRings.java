package org.sss.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.sss.mpd.MpdSettings;
import org.sss.mpd.internal.Link;

/**
 * The settings the ring tests give {@link org.sss.mpd.MpdMembers}: members HOST-1, HOST-2, ... from a loopback
 * address of the test's own block, a fresh secret in a file only the owner reads, a fan-out of 8, a watch timeout of
 * 1.5 s and no PMIx helper (not an executable file: these tests are about the ring, and a helper process per member
 * would cost CI a lot).
 */
final class MemberRings {
    private MemberRings() {
    }

    /**
     * @param dir   the test's directory (the secret and the missing helper's path go there)
     * @param host  the members' host name prefix
     * @param first the first member's loopback address
     * @return the template each member's settings are made from
     */
    static MpdSettings template(Path dir, String host, String first) {
        Path secret = TestKeys.write(dir.resolve("mpd.conf"), "MPD_SECRETWORD=" + UUID.randomUUID(), "rw-------");
        return new MpdSettings(host, host, first, 0, null, secret, null, 8, Duration.ofSeconds(1),
                Duration.ofMillis(1500), Link.DEFAULT_FRAME_TIMEOUT, Duration.ofMinutes(5), null,
                dir.resolve("no-pmix-helper"));
    }
}
