package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The metrics text parses as OpenMetrics (checked by the strict reader below) and counts what was recorded. */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "info", "stateset",
            "gaugehistogram", "unknown");

    /** A strict reading of the OpenMetrics text format; returns every sample as "name{labels}" → value. */
    static Map<String, Double> parseOpenMetrics(String text) {
        assertThat(text).endsWith("# EOF\n");
        List<String> lines = List.of(text.substring(0, text.length() - "# EOF\n".length()).split("\n"));
        Map<String, String> familyType = new HashMap<>();
        Set<String> closed = new HashSet<>();
        String family = null;
        Map<String, Double> samples = new TreeMap<>();
        Map<String, List<double[]>> buckets = new HashMap<>();
        for (String line : lines) {
            if (line.startsWith("# ")) {
                String[] parts = line.split(" ", 4);
                assertThat(parts[1]).isIn("TYPE", "HELP", "UNIT");
                if (parts[1].equals("TYPE")) {
                    assertThat(familyType).as("family %s declared once", parts[2]).doesNotContainKey(parts[2]);
                    assertThat(parts[3]).isIn(TYPES);
                    if (family != null) {
                        closed.add(family);
                    }
                    family = parts[2];
                    familyType.put(family, parts[3]);
                } else {
                    assertThat(parts[2]).as("metadata for the current family").isEqualTo(family);
                    if (parts[1].equals("UNIT")) {
                        assertThat(family).endsWith("_" + parts[3]);
                    }
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            String name = m.group(1);
            String type = familyType.get(family);
            Set<String> allowed = switch (type) {
                case "counter" -> Set.of(family + "_total", family + "_created");
                case "histogram" -> Set.of(family + "_bucket", family + "_count", family + "_sum", family + "_created");
                default -> Set.of(family);
            };
            assertThat(name).as("sample %s belongs to family %s", name, family).isIn(allowed);
            double value = m.group(4).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(4));
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    assertThat(labels.put(l.group(1), l.group(2))).as("label %s once", l.group(1)).isNull();
                }
            }
            if (name.endsWith("_bucket")) {
                String le = labels.remove("le");
                assertThat(le).as("a bucket has le").isNotNull();
                buckets.computeIfAbsent(family + labels, k -> new ArrayList<>())
                        .add(new double[] {le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value});
                labels.put("le", le);
            }
            assertThat(samples.put(name + labels, value)).as("sample %s once", name + labels).isNull();
        }
        for (Map.Entry<String, List<double[]>> histogram : buckets.entrySet()) {
            List<double[]> series = histogram.getValue();
            for (int i = 1; i < series.size(); i++) {
                assertThat(series.get(i)[0]).as("le increasing").isGreaterThan(series.get(i - 1)[0]);
                assertThat(series.get(i)[1]).as("cumulative counts").isGreaterThanOrEqualTo(series.get(i - 1)[1]);
            }
            assertThat(series.getLast()[0]).as("the last bucket is +Inf").isInfinite();
        }
        return samples;
    }

    @Test
    void theTextIsOpenMetricsAndCountsWhatWasRecorded() {
        Metrics metrics = new Metrics();
        metrics.record("get-location", 300_000, null, null);
        metrics.record("get-location", 2_000_000, null, null);
        metrics.record("add-location", 40_000_000_000L, "Semantic", "permission-denied");
        metrics.gauge("sss_jobs", "Jobs by state.", "state", () -> Map.of("queued", 3, "running", 1));
        Map<String, Double> samples = parseOpenMetrics(metrics.render("service \"directory\""));
        String c = "component=service \\\"directory\\\"";
        assertThat(samples).containsEntry("sss_requests_total{" + c + ", operation=get-location}", 2.0)
                .containsEntry("sss_errors_total{code=permission-denied, " + c + ", type=Semantic}", 1.0)
                .containsEntry("sss_request_seconds_count{" + c + "}", 3.0)
                .containsEntry("sss_request_seconds_bucket{" + c + ", le=0.0005}", 1.0)
                .containsEntry("sss_request_seconds_bucket{" + c + ", le=0.0025}", 2.0)
                .containsEntry("sss_request_seconds_bucket{" + c + ", le=10}", 2.0)
                .containsEntry("sss_request_seconds_bucket{" + c + ", le=+Inf}", 3.0)
                .containsEntry("sss_jobs{" + c + ", state=queued}", 3.0);
    }
}
