package org.sss.bench;

import java.util.Arrays;

/** Latency percentiles of a benchmark's samples (nanoseconds in, milliseconds out). */
final class Percentiles {
    private final long[] sorted;

    /** @param samples nanosecond samples; zeros (not taken) are left out */
    Percentiles(long[][] samples) {
        this.sorted = Arrays.stream(samples).flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
    }

    /** @return how many samples */
    int count() {
        return sorted.length;
    }

    /**
     * @param p a fraction, 0.5 for the median
     * @return that percentile in milliseconds (0 without samples)
     */
    double millis(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))] / 1e6;
    }

    /** @return the largest sample in milliseconds */
    double maxMillis() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
    }
}
