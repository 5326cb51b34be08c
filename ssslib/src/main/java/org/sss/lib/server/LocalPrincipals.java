package org.sss.lib.server;

import java.util.Collection;
import java.util.Set;
import jdk.net.UnixDomainPrincipal;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;

/**
 * Who a local caller is, from the kernel's peer credentials of its Unix-domain connection ({@code SO_PEERCRED}):
 * the component decides which {@link Principal} a user gets. Users hold no keys; the kernel vouches for them.
 *
 * <p>The user name is {@code peer.user().getName()}: the passwd name, or the decimal uid (e.g. {@code "12345"})
 * for a uid without a passwd entry. Implementations must be thread-safe and quick (they run once per connection).
 */
@FunctionalInterface
public interface LocalPrincipals {
    /**
     * @param peer the connecting process's user and group, as the kernel reports them
     * @return the caller's principal, or {@code null} to refuse the connection
     */
    Principal principalOf(UnixDomainPrincipal peer);

    /**
     * The usual mapping: {@code root} and the named administrators become {@link Role#ADMIN}, everyone else
     * {@link Role#USER}; both with the user name as name and user.
     *
     * @param adminUsers user names (or decimal uids, for users without a passwd entry) with administrator rights
     * @return the mapping
     */
    static LocalPrincipals withAdmins(Collection<String> adminUsers) {
        Set<String> admins = Set.copyOf(adminUsers);
        return peer -> {
            String user = userName(peer);
            Role role = user.equals("root") || admins.contains(user) ? Role.ADMIN : Role.USER;
            return new Principal(user, role, user);
        };
    }

    /**
     * @param peer peer credentials
     * @return the user name: the passwd name, or the decimal uid if the uid has none
     */
    static String userName(UnixDomainPrincipal peer) {
        return peer.user().getName();
    }
}
