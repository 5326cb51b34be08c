package org.sss.lib.client;

import org.sss.lib.wire.Endpoint;
import org.sss.schema.LocationType;

/**
 * A component's registration in the service directory, whichever form it came in (Maui's child elements or
 * Gold's attributes; a child element wins when both are given).
 *
 * @param component     the component's name, e.g. {@code queue-manager}
 * @param host          where it listens
 * @param port          its challenge-wire port, as text ({@code *} in restrictions)
 * @param protocol      the wire protocol, normally {@code challenge}
 * @param schemaVersion the message schema version it speaks
 * @param tier          the SSS tier
 * @param httpPort      its HTTP port ({@code POST /sss} and {@code GET /metrics}), if it has one
 * @param url           a page for people (the web component's dashboard), if it has one
 */
public record Location(String component, String host, String port, String protocol, String schemaVersion, String tier,
                       String httpPort, String url) {
    /** The protocol the suite's components register with. */
    public static final String CHALLENGE = "challenge";
    /** The schema version of this release's messages. */
    public static final String SCHEMA_VERSION = "1.0";

    /**
     * @param component the component's name
     * @param endpoint  where it listens
     * @return a registration with the suite's protocol, schema version and tier 1
     */
    public static Location of(String component, Endpoint endpoint) {
        return new Location(component, endpoint.host(), Integer.toString(endpoint.port()), CHALLENGE, SCHEMA_VERSION, "1", null,
                null);
    }

    /**
     * @param xml a location as received
     * @return its fields
     */
    public static Location from(LocationType xml) {
        return new Location(pick(xml.getComponent(), xml.getComponentAttribute()), pick(xml.getHost(), xml.getHostAttribute()),
                pick(xml.getPort(), xml.getPortAttribute()), pick(xml.getProtocol(), xml.getProtocolAttribute()),
                pick(xml.getSchemaVersion(), xml.getSchemaVersionAttribute()), pick(xml.getTier(), xml.getTierAttribute()),
                xml.getHttpPort(), xml.getUrl());
    }

    private static String pick(String element, String attribute) {
        return element != null ? element : attribute;
    }

    /** @return the location in the child-element form replies use (null fields left out) */
    public LocationType toXml() {
        LocationType xml = new LocationType();
        xml.setComponent(component);
        xml.setHost(host);
        xml.setPort(port);
        xml.setProtocol(protocol);
        xml.setSchemaVersion(schemaVersion);
        xml.setTier(tier);
        xml.setHttpPort(httpPort);
        xml.setUrl(url);
        return xml;
    }

    /**
     * @param newHttpPort its HTTP port, or null
     * @param newUrl      its page, or null
     * @return this location with those fields
     */
    public Location with(String newHttpPort, String newUrl) {
        return new Location(component, host, port, protocol, schemaVersion, tier, newHttpPort, newUrl);
    }

    /**
     * @return where the component listens
     * @throws IllegalStateException if host or port are missing or not usable
     */
    public Endpoint endpoint() {
        if (host == null || port == null) {
            throw new IllegalStateException("location of " + component + " has no host and port");
        }
        return new Endpoint(host, Integer.parseInt(port));
    }
}
