package org.sss.lib.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.net.UnixDomainPrincipal;
import org.sss.lib.config.WireSettings;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.XmlBinding;
import org.sss.lib.xml.XmlLimits;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

/**
 * A real {@link LocalServer} for local-wire tests. It serves {@code get-location} by answering one location
 * whose component is the caller's user, host its role and protocol its peer string, so tests see who the server
 * thinks they are. Asking for component {@code wait} blocks the request until {@link #release()}. Every caller's
 * credentials pass through {@link #mapped}, and the mapping refuses user {@link #refused} (if set).
 */
final class LocalFixture implements AutoCloseable {
    static final String GET = "<get-location><location><component>*</component></location></get-location>";
    static final String WAIT = "<get-location><location><component>wait</component></location></get-location>";
    final Path socket;
    final LocalServer server;
    final List<UnixDomainPrincipal> mapped = new CopyOnWriteArrayList<>();
    final CountDownLatch waiting = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    volatile String refused;

    private LocalFixture(Path socket, WireSettings wire) throws IOException {
        this.socket = socket;
        MessageDispatcher dispatcher = new MessageDispatcher(new MessageCodec(XmlBinding.messages(),
                wire.xmlLimits()));
        dispatcher.register("get-location", GetLocation.class, (request, context) -> {
            if ("wait".equals(request.getLocation().getFirst().getComponent())) {
                waiting.countDown();
                awaitGate();
            }
            Locations reply = new Locations();
            LocationType location = new LocationType();
            location.setComponent(context.principal().user());
            location.setHost(context.principal().role().name());
            location.setProtocol(context.peer());
            reply.getLocation().add(location);
            return reply;
        });
        LocalPrincipals principals = peer -> {
            mapped.add(peer);
            String user = LocalPrincipals.userName(peer);
            return user.equals(refused) ? null : new Principal(user, Role.USER, user);
        };
        this.server = LocalServer.start(new LocalServerSettings("test", socket, wire), principals, dispatcher);
    }

    static LocalFixture start(Path socket) throws IOException {
        return new LocalFixture(socket, WireSettings.DEFAULT);
    }

    static LocalFixture start(Path socket, WireSettings wire) throws IOException {
        return new LocalFixture(socket, wire);
    }

    static WireSettings wire(Duration idle, Duration frame, int maxBytes, int maxConnections) {
        WireSettings d = WireSettings.DEFAULT;
        return new WireSettings(maxBytes, idle, d.handshakeTimeout(), frame, d.callTimeout(), maxConnections,
                XmlLimits.DEFAULT);
    }

    /** Lets every waiting request finish. */
    void release() {
        gate.countDown();
    }

    private void awaitGate() {
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the request");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.close();
    }
}
