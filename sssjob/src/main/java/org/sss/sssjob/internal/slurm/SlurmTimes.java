package org.sss.sssjob.internal.slurm;

/** Durations and times as Slurm's commands print them. Stateless. */
final class SlurmTimes {
    private SlurmTimes() {
    }

    /**
     * @param when a time
     * @return it as the first line of squeue's and sinfo's {@code -l} (C's ctime: {@code Mon Dec  7 20:01:02 2026}),
     *     in the local time zone
     */
    static String ctime(java.time.Instant when) {
        return java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.ROOT)
                .format(when.atZone(java.time.ZoneId.systemDefault()));
    }

    /**
     * @param seconds a duration
     * @return {@code M:SS}, {@code H:MM:SS} or {@code D-HH:MM:SS}
     */
    static String format(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return String.format("%d-%02d:%02d:%02d", d, h, m, s);
        }
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }

    /**
     * @param seconds a limit, 0 for none
     * @return it formatted, or {@code UNLIMITED}
     */
    static String limit(long seconds) {
        return seconds <= 0 ? "UNLIMITED" : format(seconds);
    }
}
