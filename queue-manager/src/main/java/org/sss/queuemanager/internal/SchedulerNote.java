package org.sss.queuemanager.internal;

import java.time.Instant;

/**
 * What the scheduler said of a queued job at its last pass ({@code job-annotate}): why it waits and, for the first in
 * line, when it is expected to start. Kept in memory only: the next pass says it again.
 *
 * @param reason        one line
 * @param expectedStart the planned start, or {@code null}
 * @param expectedNodes the nodes kept for it then, space-separated, or {@code null}
 */
record SchedulerNote(String reason, Instant expectedStart, String expectedNodes) {
}
