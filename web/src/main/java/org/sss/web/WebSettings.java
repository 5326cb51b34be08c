package org.sss.web;

import java.io.IOException;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.RingAccess;
import org.sss.schema.config.WebType;

/**
 * The dashboard's element of the configuration ({@code <web>}), checked.
 *
 * @param component       where its challenge-wire port listens (event pushes arrive there) and which key it presents
 * @param dashboardListen the address the dashboard binds
 * @param dashboardPort   the dashboard's port (0: any free one)
 * @param viewerKey       the key that lets a browser off this machine read the dashboard, or {@code null}
 * @param ring            how to read the ring's membership, or {@code null} for no ring view
 */
public record WebSettings(ComponentSettings component, String dashboardListen, int dashboardPort, SharedKey viewerKey,
                          RingAccess ring) {
    /** The element's name. */
    public static final String ELEMENT = "web";

    /**
     * @param config a loaded configuration
     * @return the settings
     * @throws ConfigException if the element is missing or a value cannot be used, naming file, line and field
     */
    public static WebSettings from(SssConfig config) throws ConfigException {
        WebType element = ConfigSections.required(config, config.raw().getWeb(), ELEMENT, "the dashboard");
        ComponentSettings component = ConfigSections.component(config, element, ELEMENT);
        SharedKey viewer = null;
        if (element.getViewerKey() != null) {
            try {
                viewer = SharedKey.load("viewer", ConfigSections.besideConfig(config, element.getViewerKey()),
                        new Principal("viewer", Role.USER, "viewer"));
            } catch (IOException e) {
                throw ConfigSections.error(config, element, "<" + ELEMENT + "> viewer-key", e.getMessage());
            }
        }
        RingAccess ring = RingAccess.optional(config);
        String listen = element.getDashboardListen() != null ? element.getDashboardListen() : component.host();
        return new WebSettings(component, listen, element.getDashboardPort(), viewer, ring);
    }
}
