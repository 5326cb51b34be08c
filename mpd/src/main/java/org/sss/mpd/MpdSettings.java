package org.sss.mpd;

import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.wire.Endpoint;

/**
 * How one mpd runs: its identity in the ring, where it listens, whom it joins, the ring's secret, and the launch
 * parameters.
 *
 * @param id            unique name in the ring (default: the host name)
 * @param host          the host name ranks report and {@code -hosts} selects by
 * @param listenAddress the address it binds and advertises
 * @param listenPort    the port it binds; 0 picks a free one
 * @param join          a member of the ring to join, or null to start a new ring
 * @param secretFile    the ring's secret (mode 0600)
 * @param consoleFile   where to write this mpd's console address for local tools, or null
 * @param fanout        children per node of the launch tree
 * @param killGrace     time between SIGTERM and SIGKILL when a job is killed
 * @param watchTimeout  a right neighbour silent this long (no pong) is declared lost
 * @param frameTimeout  a peer that starts a message and does not finish it within this is dropped
 * @param keepEnded     how long the end of a detached job is kept for its console when nobody releases it
 * @param execHelper    the sss-exec launch helper, or null for the one built with the module
 * @param pmixHelper    the sss-pmix PMIx server helper, or null for the one built with the module (a path that is
 *                      not an executable file leaves the mpd without PMIx: it serves PMI-1 only)
 */
public record MpdSettings(String id, String host, String listenAddress, int listenPort, Endpoint join, Path secretFile,
                          Path consoleFile, int fanout, Duration killGrace, Duration watchTimeout, Duration frameTimeout,
                          Duration keepEnded, Path execHelper, Path pmixHelper) {
    /** Checks the values. */
    public MpdSettings {
        if (fanout < 2) {
            throw new IllegalArgumentException("the launch tree needs a fan-out of at least 2");
        }
    }
}
