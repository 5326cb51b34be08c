package org.sss.processmanager.internal;

import java.nio.charset.StandardCharsets;

/**
 * Why a group ended as it did, as its reason says it: the ring's reason, and, when a rank could not be started (exit
 * status 126 or 127), the last line written on the group's error stream before it ended — the launch helper's word on
 * an output file it could not open, say ("sss-exec: cannot open the output file: PATH: No such file or directory"),
 * which the group's creator would otherwise never see (a batch job's own output goes to its files). Stateless.
 */
final class EndReason {
    private static final int MAX_WORDS = 300;

    private EndReason() {
    }

    /**
     * @param reason the ring's reason, or null
     * @param status the group's exit status
     * @param stderr what the group's ranks wrote on their error stream, as collected
     * @return the reason to keep (null when there is none)
     */
    static String of(String reason, int status, byte[] stderr) {
        if (status != 126 && status != 127 || stderr == null || stderr.length == 0) {
            return reason;
        }
        String last = new String(stderr, StandardCharsets.UTF_8).strip().lines().reduce((first, second) -> second)
                .orElse("").strip();
        if (last.length() > MAX_WORDS) {
            last = last.substring(0, MAX_WORDS);
        }
        String known = reason == null ? "" : reason;
        if (last.isEmpty() || known.contains(last) || !known.isEmpty() && last.contains(known)) {
            return reason;
        }
        return known.isEmpty() ? last : known + ": " + last;
    }
}
