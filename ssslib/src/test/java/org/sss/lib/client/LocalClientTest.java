package org.sss.lib.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.config.WireSettings;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.lib.server.LocalPrincipals;
import org.sss.lib.server.LocalServer;
import org.sss.lib.server.LocalServerSettings;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.AddLocation;
import org.sss.schema.DelLocation;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

@Timeout(30)
class LocalClientTest {
    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path dir;

    private final CountDownLatch gate = new CountDownLatch(1);

    private LocalServer start(Path socket) throws IOException {
        MessageDispatcher dispatcher = new MessageDispatcher(MessageCodec.messages());
        dispatcher.register("get-location", GetLocation.class, (request, context) -> {
            Locations reply = new Locations();
            LocationType location = new LocationType();
            location.setComponent(context.principal().user());
            location.setHost(context.principal().role().name());
            reply.getLocation().add(location);
            return reply;
        });
        dispatcher.register("add-location", AddLocation.class, (request, context) -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Locations();
        });
        return LocalServer.start(new LocalServerSettings("test", socket, WireSettings.DEFAULT),
                LocalPrincipals.withAdmins(List.of()), dispatcher);
    }

    @Test
    void callsReuseOneConnectionAndRecoverWhenTheServerRestarts() throws IOException, SssException {
        Path socket = dir.resolve("qm.sock");
        LocalServer first = start(socket);
        try (LocalClient client = new LocalClient(MessageCodec.messages(), socket, WireSettings.DEFAULT)) {
            for (int i = 0; i < 20; i++) {
                LocationType location = client.call(getAll(), Locations.class).getLocation().getFirst();
                assertThat(location.getComponent()).isEqualTo(ME);
                assertThat(location.getHost()).isEqualTo(ME.equals("root") ? "ADMIN" : "USER");
            }
            assertThat(first.requestsServed()).isEqualTo(20);
            assertThat(first.openConnections()).isEqualTo(1);
            first.close();
            try (LocalServer second = start(socket)) {
                assertThat(client.call(getAll(), Locations.class).getLocation()).hasSize(1);
                assertThat(second.requestsServed()).isEqualTo(1);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void anErrorReplyBecomesARemoteError() throws IOException {
        Path socket = dir.resolve("qm.sock");
        try (LocalServer server = start(socket);
             LocalClient client = new LocalClient(MessageCodec.messages(), socket, WireSettings.DEFAULT)) {
            DelLocation unserved = new DelLocation();
            unserved.getLocation().addAll(getAll().getLocation());
            assertThatThrownBy(() -> client.call(unserved, Locations.class))
                    .isInstanceOf(RemoteErrorException.class).hasMessageContaining("del-location");
            assertThat(server.requestsServed()).isEqualTo(1);
        }
    }

    @Test
    void noServerIsATransportErrorNamingTheSocket() {
        Path socket = dir.resolve("nobody.sock");
        try (LocalClient client = new LocalClient(MessageCodec.messages(), socket, WireSettings.DEFAULT)) {
            assertThatThrownBy(() -> client.call(getAll(), Locations.class))
                    .isInstanceOf(TransportException.class).hasMessageContaining(socket.toString())
                    .satisfies(e -> assertThat(((TransportException) e).requestSent()).isFalse());
        }
    }

    @Test
    void aReplyLateBeyondTheCallTimeoutFailsTheExchange() throws IOException {
        Path socket = dir.resolve("qm.sock");
        byte[] slow = "<add-location><location><component>x</component></location></add-location>"
                .getBytes(StandardCharsets.UTF_8);
        try (LocalServer _ = start(socket)) {
            try (LocalConnection connection = LocalConnection.open(socket, 4096, Duration.ofMillis(300))) {
                assertThatThrownBy(() -> connection.exchange(slow)).isInstanceOf(SocketTimeoutException.class)
                        .hasMessage("no reply from " + socket + " within 300 ms");
                assertThat(connection.usable()).isFalse();
            } finally {
                gate.countDown();
            }
        }
    }

    @Test
    void aRequestWhoseReplyIsLateIsNotSentAgain() throws IOException, SssException {
        Path socket = dir.resolve("qm.sock");
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        MessageDispatcher dispatcher = new MessageDispatcher(MessageCodec.messages());
        dispatcher.register("get-location", GetLocation.class, (request, context) -> new Locations());
        dispatcher.register("add-location", AddLocation.class, (request, context) -> {
            served.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Locations();
        });
        WireSettings slow = new WireSettings(4096 * 1024, Duration.ofSeconds(300), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofMillis(300), 100, WireSettings.DEFAULT.xmlLimits());
        try (LocalServer _ = LocalServer.start(new LocalServerSettings("test", socket, WireSettings.DEFAULT),
                LocalPrincipals.withAdmins(List.of()), dispatcher);
             LocalClient client = new LocalClient(MessageCodec.messages(), socket, slow)) {
            client.call(getAll(), Locations.class);
            AddLocation add = new AddLocation();
            LocationType location = new LocationType();
            location.setComponent("x");
            location.setHost("h");
            location.setPort("1");
            add.getLocation().add(location);
            assertThatThrownBy(() -> client.call(add, Locations.class)).isInstanceOf(TransportException.class)
                    .satisfies(e -> assertThat(((TransportException) e).requestSent()).isTrue());
            assertThat(served.get()).as("sent once").isEqualTo(1);
        } finally {
            gate.countDown();
        }
    }

    private static GetLocation getAll() {
        GetLocation request = new GetLocation();
        LocationType all = new LocationType();
        all.setComponent("*");
        request.getLocation().add(all);
        return request;
    }
}
