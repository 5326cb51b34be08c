package org.sss.lib.wire;

import java.util.Objects;

/**
 * Who is calling: established once per connection by the challenge handshake (the key that answered the
 * challenge), or from the peer credentials of a Unix-domain socket.
 *
 * @param name the key name, or the user name for a local user
 * @param role what the caller may do
 * @param user the user the caller acts for; for {@link Role#USER} required, otherwise may be {@code null}
 */
public record Principal(String name, Role role, String user) {
    /** Validates the combination of role and user. */
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (role == Role.USER && (user == null || user.isEmpty())) {
            throw new IllegalArgumentException("a user principal needs a user name: " + name);
        }
    }

    /** @return true for components and administrators, who may act on everyone's work */
    public boolean isPrivileged() {
        return role != Role.USER;
    }

    /**
     * @param owner the user who owns a job or process group
     * @return true if this principal may act on it
     */
    public boolean mayActFor(String owner) {
        return isPrivileged() || user.equals(owner);
    }

    @Override
    public String toString() {
        return role == Role.USER ? "user " + user : role.name().toLowerCase(java.util.Locale.ROOT) + " " + name;
    }
}
