package org.sss.lib.config;

import java.time.Duration;

/**
 * The service directory's element: where it listens (everyone finds it there) and its leases.
 *
 * @param component     where it listens
 * @param lease         a registration not renewed for this long expires
 * @param sweepInterval how often expired leases are looked for
 */
public record ServiceDirectorySettings(ComponentSettings component, Duration lease, Duration sweepInterval) {
}
