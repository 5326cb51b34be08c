package org.sss.mpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;

/**
 * How a component reaches the mpd ring, from its configuration element's {@code mpds} and {@code mpd-secret}
 * attributes (the process manager launches through it, the node state manager watches it).
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
     * @param config      the configuration
     * @param element     the component's element (for the line of an error)
     * @param elementName its name, for messages
     * @param mpds        its {@code mpds} attribute, one address each
     * @param secretPath  its {@code mpd-secret} attribute
     * @return the ring access
     * @throws ConfigException naming the file, line and attribute of an unusable address or secret file
     */
    public static RingAccess from(SssConfig config, Object element, String elementName, List<String> mpds,
                                  String secretPath) throws ConfigException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String mpd : mpds) {
            try {
                endpoints.add(Endpoint.parse(mpd));
            } catch (IllegalArgumentException e) {
                throw ConfigSections.error(config, element, "<" + elementName + "> mpds", e.getMessage());
            }
        }
        try {
            return new RingAccess(endpoints, MpdSecret.load(ConfigSections.besideConfig(config, secretPath)));
        } catch (IOException e) {
            throw ConfigSections.error(config, element, "<" + elementName + "> mpd-secret", e.getMessage());
        }
    }
}
