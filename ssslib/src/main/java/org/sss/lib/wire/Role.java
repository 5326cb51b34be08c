package org.sss.lib.wire;

/** What an authenticated caller may do, as the configuration assigns it to the caller's key. */
public enum Role {
    /** Another component of the suite: trusted with every operation components perform. */
    COMPONENT,
    /** An administrator: may act on everyone's work and change node, queue and reservation state. */
    ADMIN,
    /** A user: may act only on what that user submitted. */
    USER;

    /**
     * @param text the configuration value ({@code component}, {@code admin}, {@code user})
     * @return the role
     * @throws IllegalArgumentException for any other text
     */
    public static Role fromConfig(String text) {
        return switch (text) {
            case "component" -> COMPONENT;
            case "admin" -> ADMIN;
            case "user" -> USER;
            default -> throw new IllegalArgumentException("unknown role: " + text);
        };
    }
}
