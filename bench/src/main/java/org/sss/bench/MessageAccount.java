package org.sss.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages the suite's components served between two readings of their {@code /metrics}: every request by
 * component and operation ({@code sss_requests_total}), and the events the event manager logged
 * (the growth of its {@code sss_event_log_head}). A benchmark reads it before a round and after and divides by the jobs run, so
 * that "exchanges per job" and "events per job" are counted, not guessed (pushes from the event manager are counted
 * where they are served: at each subscriber, as its {@code events} operation).
 */
final class MessageAccount {
    private static final Pattern REQUESTS = Pattern.compile(
            "^sss_requests_total\\{component=\"([^\"]+)\",operation=\"([^\"]+)\"} (\\d+)$", Pattern.MULTILINE);
    private static final Pattern EVENTS = Pattern.compile("^sss_event_log_head\\{[^}]*} (\\d+)$", Pattern.MULTILINE);
    private static final Pattern GAUGE = Pattern.compile("^(sss_process_groups)\\{[^}]*state=\"([^\"]+)\"} (\\d+)$",
            Pattern.MULTILINE);
    private final Map<String, URI> sources;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Map<String, Long> before = Map.of();

    /** @param sources each component's {@code /metrics} address, by name */
    MessageAccount(Map<String, URI> sources) {
        this.sources = new LinkedHashMap<>(sources);
    }

    /** @return whether there is anything to read */
    boolean isEmpty() {
        return sources.isEmpty();
    }

    /** Takes the readings a round starts from. */
    void start() {
        before = read();
    }

    /**
     * @param jobs      the jobs the round ran
     * @param observers requests the benchmark itself made to follow the round (its completion polls), by the name
     *                  they are counted under: left out of the counts, which are the jobs'
     * @return lines: request/reply exchanges per job by operation and in all, events per job, and the process
     *         manager's groups by state now
     */
    String report(int jobs, Map<String, Long> observers) {
        Map<String, Long> after = read();
        StringBuilder lines = new StringBuilder("exchanges per job:");
        double exchanges = 0;
        double events = 0;
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            long served = entry.getValue() - before.getOrDefault(entry.getKey(), 0L)
                    - observers.getOrDefault(entry.getKey(), 0L);
            double perJob = Math.max(0, served) / (double) jobs;
            if (entry.getKey().equals("events logged")) {
                events = perJob;
            } else if (entry.getKey().startsWith("groups ")) {
                continue;
            } else if (perJob >= 0.005) {
                exchanges += perJob;
                lines.append(String.format(" %s %.2f,", entry.getKey(), perJob));
            }
        }
        long left = observers.values().stream().mapToLong(Long::longValue).sum();
        lines.append(String.format(" in all %.2f; events logged per job %.2f", exchanges, events));
        if (left > 0) {
            lines.append(String.format(" (the benchmark's own %d requests following the round left out)", left));
        }
        StringBuilder groups = new StringBuilder();
        after.forEach((key, value) -> {
            if (key.startsWith("groups ")) {
                groups.append(' ').append(key.substring("groups ".length())).append(' ').append(value);
            }
        });
        if (!groups.isEmpty()) {
            lines.append(System.lineSeparator()).append("process manager's group table now:").append(groups);
        }
        return lines.toString();
    }

    private Map<String, Long> read() {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, URI> source : sources.entrySet()) {
            String text;
            try {
                text = http.send(HttpRequest.newBuilder(source.getValue()).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return counts;
            }
            Matcher requests = REQUESTS.matcher(text);
            while (requests.find()) {
                counts.merge(requests.group(1) + " " + requests.group(2), Long.parseLong(requests.group(3)), Long::sum);
            }
            Matcher events = EVENTS.matcher(text);
            while (events.find()) {
                counts.merge("events logged", Long.parseLong(events.group(1)), Long::sum);
            }
            Matcher groups = GAUGE.matcher(text);
            while (groups.find()) {
                counts.put("groups " + groups.group(2), Long.parseLong(groups.group(3)));
            }
        }
        return counts;
    }
}
