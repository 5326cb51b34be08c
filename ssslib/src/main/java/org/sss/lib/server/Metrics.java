package org.sss.lib.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A component's metrics in OpenMetrics text ({@code GET /metrics}): requests by operation, errors by type and code,
 * a latency histogram of all requests, and gauges the component adds (jobs by state, nodes by state, ring size).
 * Thread-safe; recording is a few atomic additions.
 */
public final class Metrics {
    /** Upper bounds of the latency buckets, in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    /** A gauge family: one value per label value, read when the metrics are rendered. */
    private record Gauge(String help, String label, Supplier<Map<String, ? extends Number>> values) {
    }

    /**
     * Counts one request.
     *
     * @param operation   its root element ({@code invalid} when it could not be decoded)
     * @param nanos       how long it took
     * @param errorType   the error's type (Validation, Semantic, Data) when it failed, else null
     * @param errorCode   the error's code when it failed, else null
     */
    public void record(String operation, long nanos, String errorType, String errorCode) {
        requests.computeIfAbsent(operation, k -> new LongAdder()).increment();
        if (errorType != null) {
            errors.computeIfAbsent(errorType + "\u0000" + errorCode, k -> new LongAdder()).increment();
        }
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                buckets.incrementAndGet(i);
                break;
            }
        }
        count.increment();
        sumNanos.add(nanos);
    }

    /**
     * Adds (or replaces) a gauge family.
     *
     * @param name   the metric name, e.g. {@code sss_jobs}
     * @param help   one line
     * @param label  the label its values are keyed by, e.g. {@code state}
     * @param values the current values, read at each render
     */
    public void gauge(String name, String help, String label, Supplier<Map<String, ? extends Number>> values) {
        gauges.put(name, new Gauge(help, label, values));
    }

    /**
     * @param component the component's name (a label on every sample)
     * @return the metrics in OpenMetrics text format, ending with {@code # EOF}
     */
    public String render(String component) {
        String c = "component=\"" + escape(component) + "\"";
        StringBuilder out = new StringBuilder(2048);
        out.append("# TYPE sss_requests counter\n# HELP sss_requests Requests handled, by operation.\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            out.append("sss_requests_total{").append(c).append(",operation=\"").append(escape(e.getKey())).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        out.append("# TYPE sss_errors counter\n# HELP sss_errors Error replies, by type and code.\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(errors).entrySet()) {
            String[] typeAndCode = e.getKey().split("\u0000", 2);
            out.append("sss_errors_total{").append(c).append(",type=\"").append(escape(typeAndCode[0]))
                    .append("\",code=\"").append(escape(typeAndCode[1])).append("\"} ").append(e.getValue().sum())
                    .append('\n');
        }
        out.append("# TYPE sss_request_seconds histogram\n# UNIT sss_request_seconds seconds\n")
                .append("# HELP sss_request_seconds Time to handle a request.\n");
        long total = count.sum();
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += buckets.get(i);
            out.append("sss_request_seconds_bucket{").append(c).append(",le=\"").append(format(BUCKETS[i])).append("\"} ")
                    .append(Math.min(cumulative, total)).append('\n');
        }
        out.append("sss_request_seconds_bucket{").append(c).append(",le=\"+Inf\"} ").append(total).append('\n');
        out.append("sss_request_seconds_count{").append(c).append("} ").append(total).append('\n');
        out.append("sss_request_seconds_sum{").append(c).append("} ").append(format(sumNanos.sum() / 1e9)).append('\n');
        List<String> names = new ArrayList<>(gauges.keySet());
        names.sort(null);
        for (String name : names) {
            Gauge gauge = gauges.get(name);
            out.append("# TYPE ").append(name).append(" gauge\n# HELP ").append(name).append(' ').append(gauge.help())
                    .append('\n');
            for (Map.Entry<String, ? extends Number> e : new TreeMap<>(gauge.values().get()).entrySet()) {
                out.append(name).append('{').append(c).append(',').append(gauge.label()).append("=\"")
                        .append(escape(e.getKey())).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        return out.append("# EOF\n").toString();
    }

    private static String format(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
