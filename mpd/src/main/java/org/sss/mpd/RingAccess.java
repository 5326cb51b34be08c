package org.sss.mpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.schema.config.RingMpdType;
import org.sss.schema.config.RingType;

/**
 * How a component reaches the mpd ring: the configuration's one {@code <ring>} element, its mpds (tried in order;
 * any member will do) and the ring's secret. The process manager launches through it, the node state manager
 * watches it, the web dashboard shows it.
 *
 * @param mpds   the mpds to try, in order
 * @param secret the ring's secret
 */
public record RingAccess(List<Endpoint> mpds, SharedKey secret) {
    /** Copies the list. */
    public RingAccess {
        mpds = List.copyOf(mpds);
    }

    /**
     * @param config    the configuration
     * @param component the component that needs the ring, for the message when the configuration has none
     * @return the ring access
     * @throws ConfigException when the configuration has no {@code <ring>}, or naming the file, line and attribute of an
     *                         unusable address or secret file
     */
    public static RingAccess from(SssConfig config, String component) throws ConfigException {
        RingType ring = config.raw().getRing();
        if (ring == null) {
            throw new ConfigException(config.source(), 0, "<ring>", "missing: the " + component
                    + " reaches the mpd ring through the configuration's <ring> (its mpds and secret)");
        }
        return of(config, ring);
    }

    /**
     * @param config the configuration
     * @return the ring access, or null when the configuration has no {@code <ring>}
     * @throws ConfigException naming the file, line and attribute of an unusable address or secret file
     */
    public static RingAccess optional(SssConfig config) throws ConfigException {
        RingType ring = config.raw().getRing();
        return ring == null ? null : of(config, ring);
    }

    private static RingAccess of(SssConfig config, RingType ring) throws ConfigException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (RingMpdType mpd : ring.getMpd()) {
            try {
                endpoints.add(Endpoint.parse(mpd.getAddress()));
            } catch (IllegalArgumentException e) {
                throw ConfigSections.error(config, mpd, "<ring><mpd> address", e.getMessage());
            }
        }
        try {
            return new RingAccess(endpoints, MpdSecret.load(ConfigSections.besideConfig(config, ring.getSecret())));
        } catch (IOException e) {
            throw ConfigSections.error(config, ring, "<ring> secret", e.getMessage());
        }
    }
}
