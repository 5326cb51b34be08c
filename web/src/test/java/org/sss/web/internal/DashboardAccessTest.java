package org.sss.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

class DashboardAccessTest {
    private static SharedKey key(String name, String secret, Principal principal) {
        return new SharedKey(name, secret.getBytes(StandardCharsets.UTF_8), principal);
    }

    private final KeyRing suite = new KeyRing(List.of(
            key("suite", "component-secret", new Principal("suite", Role.COMPONENT, null)),
            key("admin", "admin-secret", new Principal("admin", Role.ADMIN, null)),
            key("alice", "alice-secret", new Principal("alice", Role.USER, "alice"))), "suite");
    private final DashboardAccess access = new DashboardAccess(suite,
            key("viewer", "viewer-secret", new Principal("viewer", Role.USER, "viewer")));

    @Test
    void loopbackReadsAndOtherAddressesReadNothingWithoutASession() {
        assertThat(access.visitor("127.0.0.1", null).level()).isEqualTo(DashboardAccess.Level.READ);
        assertThat(access.visitor("[::1]", null).level()).isEqualTo(DashboardAccess.Level.READ);
        assertThat(access.visitor("10.1.2.3", null).level()).isEqualTo(DashboardAccess.Level.NONE);
        assertThat(access.visitor("localhost.evil.example", null).level()).isEqualTo(DashboardAccess.Level.NONE);
        assertThat(access.visitor("10.1.2.3", "no-such-session").mayRead()).isFalse();
        assertThat(access.visitor("127.0.0.1", "localhost", null).mayRead()).isTrue();
        assertThat(access.visitor("127.0.0.1", "[::1]", null).mayRead()).isTrue();
        assertThat(access.visitor("127.0.0.1", "127.0.0.17", null).mayRead()).isTrue();
        assertThat(access.visitor("127.0.0.1", "evil.example", null).mayRead())
                .as("a page whose name was re-bound to 127.0.0.1 reads nothing").isFalse();
        assertThat(access.visitor("127.0.0.1", "localhost.evil.example", null).mayRead()).isFalse();
    }

    @Test
    void keysIdentifyTheirHoldersAndAWrongKeyIdentifiesNobody() {
        DashboardAccess.Visitor alice = access.identify("  alice-secret\n").orElseThrow();
        assertThat(alice.level()).isEqualTo(DashboardAccess.Level.USER);
        assertThat(alice.mayAct()).isTrue();
        assertThat(alice.mayActFor("alice")).isTrue();
        assertThat(alice.mayActFor("bob")).isFalse();
        DashboardAccess.Visitor admin = access.identify("admin-secret").orElseThrow();
        assertThat(admin.mayActFor("bob")).isTrue();
        DashboardAccess.Visitor viewer = access.identify("viewer-secret").orElseThrow();
        assertThat(viewer.mayRead()).isTrue();
        assertThat(viewer.mayAct()).isFalse();
        assertThat(viewer.mayActFor("viewer")).isFalse();
        assertThat(access.visitor("127.0.0.1", null).mayAct()).as("an anonymous reader on loopback").isFalse();
        assertThat(access.identify("alice-secreT")).isEmpty();
        assertThat(access.identify("")).isEmpty();
    }

    @Test
    void aSessionCarriesItsRightsFromAnyAddressUntilClosed() {
        String token = access.openSession(access.identify("alice-secret").orElseThrow());
        assertThat(access.visitor("10.1.2.3", token).user()).isEqualTo("alice");
        String other = access.openSession(access.identify("viewer-secret").orElseThrow());
        assertThat(other).isNotEqualTo(token).hasSize(64);
        access.closeSession(token);
        assertThat(access.visitor("10.1.2.3", token).mayRead()).isFalse();
        assertThat(access.visitor("10.1.2.3", other).mayRead()).isTrue();
    }

    @Test
    void withoutAViewerKeyOnlySuiteKeysSignIn() {
        DashboardAccess noViewer = new DashboardAccess(suite, null);
        assertThat(noViewer.identify("viewer-secret")).isEmpty();
        assertThat(noViewer.identify("component-secret").orElseThrow().level()).isEqualTo(DashboardAccess.Level.ADMIN);
    }
}
