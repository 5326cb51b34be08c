package org.sss.scheduler.internal.plan;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A job holding nodes now.
 *
 * @param id          its id
 * @param nodes       the nodes it holds, whole
 * @param expectedEnd its start plus its walltime; {@code null} when it has none (it holds its nodes indefinitely)
 */
public record RunningJob(String id, List<String> nodes, Instant expectedEnd) {
    /** Copies the list. */
    public RunningJob {
        Objects.requireNonNull(id, "id");
        nodes = List.copyOf(nodes);
    }
}
