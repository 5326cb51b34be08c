package org.sss.lib.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;

class LocalPrincipalsTest {
    private static final UserPrincipalLookupService LOOKUP = FileSystems.getDefault().getUserPrincipalLookupService();
    private final LocalPrincipals principals = LocalPrincipals.withAdmins(List.of("ops"));

    private static UnixDomainPrincipal peer(String user) throws IOException {
        return new UnixDomainPrincipal(LOOKUP.lookupPrincipalByName(user), LOOKUP.lookupPrincipalByGroupName("0"));
    }

    @Test
    void rootIsAnAdministrator() throws IOException {
        assertThat(principals.principalOf(peer("root"))).isEqualTo(new Principal("root", Role.ADMIN, "root"));
    }

    @Test
    void aConfiguredAdministratorIsAnAdministrator() {
        UnixDomainPrincipal ops = new UnixDomainPrincipal(() -> "ops", () -> "ops");
        assertThat(principals.principalOf(ops)).isEqualTo(new Principal("ops", Role.ADMIN, "ops"));
    }

    @Test
    void everyoneElseIsAUserActingForThemselves() {
        UnixDomainPrincipal alice = new UnixDomainPrincipal(() -> "alice", () -> "users");
        Principal principal = principals.principalOf(alice);
        assertThat(principal).isEqualTo(new Principal("alice", Role.USER, "alice"));
        assertThat(principal.mayActFor("alice")).isTrue();
        assertThat(principal.mayActFor("bob")).isFalse();
    }

    @Test
    void aUidWithoutAPasswdEntryIsNamedByItsNumber() throws IOException {
        UnixDomainPrincipal unknown = peer("12345");
        assertThat(LocalPrincipals.userName(unknown)).isEqualTo("12345");
        assertThat(principals.principalOf(unknown)).isEqualTo(new Principal("12345", Role.USER, "12345"));
    }
}
