package org.sss.sssjob.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code <job>} of a reply, read-only, with the attributes the commands show. Attributes the queue manager
 * left out read as empty.
 *
 * @param attributes the element's attributes
 */
public record Job(Map<String, String> attributes) {
    /** Copies the map. */
    public Job {
        attributes = Map.copyOf(attributes);
    }

    /**
     * @param name an attribute
     * @return its value, or {@code ""}
     */
    public String get(String name) {
        return attributes.getOrDefault(name, "");
    }

    /**
     * @param name a list attribute (allocated, required-nodes, excluded-nodes, features): names separated by spaces
     * @return its names in order, none when absent
     */
    public List<String> words(String name) {
        String value = get(name).strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    /** @return the job id ({@code 17}, {@code 17[3]}) */
    public String id() {
        return get("id");
    }

    /** @return queued, held, running, exiting or completed */
    public String state() {
        return get("state");
    }

    /** @return whether it has ended */
    public boolean completed() {
        return state().equals("completed");
    }

    /** @return PBS's letter for the state */
    public char stateLetter() {
        return switch (state()) {
            case "queued" -> 'Q';
            case "held" -> 'H';
            case "running" -> 'R';
            case "exiting" -> 'E';
            case "completed" -> 'C';
            default -> '?';
        };
    }

    /** @return its exit status, once it has one */
    public OptionalInt exitStatus() {
        String value = get("exit-status");
        return value.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
    }

    /**
     * @param name a dateTime attribute (submitted, started, ended)
     * @return the instant, if present and readable
     */
    public Optional<Instant> time(String name) {
        String value = get(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * @param now the time to measure a running job to
     * @return how long it has run (to its end, or to now), or empty before it started
     */
    public Optional<Duration> elapsed(Instant now) {
        return time("started").map(started -> Duration.between(started, time("ended").orElse(now)))
                .map(d -> d.isNegative() ? Duration.ZERO : d);
    }

    /**
     * @param seconds a duration in seconds
     * @return {@code HH:MM:SS} (hours unbounded)
     */
    public static String hms(long seconds) {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
