package org.sss.lib.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.sss.lib.config.WireSettings;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.XmlLimits;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

/**
 * A real {@link SssServer} on 127.0.0.1 port 0 for wire tests. It serves {@code get-location} by answering one
 * location whose component is the caller's principal name, so tests can see who the server thinks they are.
 */
final class WireFixture implements AutoCloseable {
    static final String SUITE_SECRET = "suite-secret";
    static final String ALICE_SECRET = "alice-secret";
    final KeyRing keys;
    final SssServer server;
    final MessageDispatcher dispatcher;

    private WireFixture(KeyRing keys, SssServer server, MessageDispatcher dispatcher) {
        this.keys = keys;
        this.server = server;
        this.dispatcher = dispatcher;
    }

    static WireFixture start(Path dir, Digest digest) throws IOException {
        return start(dir, digest, WireSettings.DEFAULT);
    }

    static WireFixture start(Path dir, Digest digest, WireSettings wire) throws IOException {
        return start(dir, digest, wire, 0);
    }

    static WireFixture start(Path dir, Digest digest, WireSettings wire, int port) throws IOException {
        KeyRing keys = new KeyRing(List.of(
                key(dir, "suite", SUITE_SECRET, new Principal("suite", Role.COMPONENT, null)),
                key(dir, "alice", ALICE_SECRET, new Principal("alice", Role.USER, "alice"))), "suite");
        MessageDispatcher dispatcher = new MessageDispatcher(new MessageCodec(org.sss.lib.xml.XmlBinding.messages(),
                wire.xmlLimits()));
        dispatcher.register("get-location", GetLocation.class, (request, context) -> {
            Locations reply = new Locations();
            LocationType location = new LocationType();
            location.setComponent(context.principal().name());
            reply.getLocation().add(location);
            return reply;
        });
        SssServer server = SssServer.start(new ServerSettings("test", "127.0.0.1", port, digest, keys, wire), dispatcher);
        return new WireFixture(keys, server, dispatcher);
    }

    static WireSettings wire(Duration idle, Duration frame, int maxBytes, int maxConnections) {
        WireSettings d = WireSettings.DEFAULT;
        return new WireSettings(maxBytes, idle, d.handshakeTimeout(), frame, d.callTimeout(), maxConnections, XmlLimits.DEFAULT);
    }

    private static SharedKey key(Path dir, String name, String secret, Principal principal) throws IOException {
        Path file = dir.resolve(name + ".key");
        Files.writeString(file, secret);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return SharedKey.load(name, file, principal);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
