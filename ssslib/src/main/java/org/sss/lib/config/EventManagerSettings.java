package org.sss.lib.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The event manager's element.
 *
 * @param component       where it listens
 * @param database        its SQLite log (absolute)
 * @param retentionEvents most events kept
 * @param retentionAge    oldest events kept
 * @param pushBatch       events per push to a subscriber
 * @param retryMax        longest wait between retries of a failing push
 */
public record EventManagerSettings(ComponentSettings component, Path database, long retentionEvents,
                                   Duration retentionAge, int pushBatch, Duration retryMax) {
}
