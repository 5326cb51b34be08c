package org.sss.nodestatemanager.internal;

import java.util.Locale;

/** Whether a node takes new work, as {@code node-state-manager.xsd} spells it. */
public enum NodeState {
    /** In the ring and not set aside. */
    UP,
    /** Its mpd is not in the ring. */
    DOWN,
    /** Set aside by an administrator; running work finishes. */
    DRAINED,
    /** Set aside by an administrator, for longer. */
    OFFLINE;

    /** @return the XML value */
    public String xmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value an XML value
     * @return the state
     * @throws IllegalArgumentException for an unknown value
     */
    public static NodeState fromXml(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
