package org.sss.lib.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;

class ComponentLauncherTest {
    @TempDir
    Path dir;
    SssConfig config;
    final List<String> stopped = new ArrayList<>();

    /** A component with nothing of its own. */
    static final class Probe extends Component {
    }

    @BeforeEach
    void config() throws IOException, ConfigException {
        Path key = dir.resolve("suite.key");
        Files.writeString(key, "suite-secret\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path file = dir.resolve("sss.xml");
        int nobody;
        try (ServerSocket free = new ServerSocket(0)) {
            nobody = free.getLocalPort();
        }
        Files.writeString(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <sss cluster="c1" var="var">
                  <security client-key="suite"><key name="suite" file="suite.key" role="component"/></security>
                  <service-directory host="127.0.0.1" port="%d"/>
                </sss>
                """.formatted(nobody));
        config = ConfigLoader.load(file);
    }

    private ComponentLauncher begin(int port) {
        return ComponentLauncher.begin("probe", config, new ComponentSettings("127.0.0.1", "127.0.0.1", port, "suite", "info"));
    }

    /** Records its name when closed, and whether the component's port still took connections then. */
    private AutoCloseable recorder(String name, Component component) {
        return () -> stopped.add(name + (listening(component.endpoint()) ? " (serving)" : " (not serving)"));
    }

    private static boolean listening(Endpoint endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void closeStopsTheFrontsThenTheServerThenTheParts_newestFirst_once() throws IOException {
        ComponentLauncher launch = begin(0);
        Probe probe = new Probe();
        launch.open(runtime -> recorder("part 1", probe));
        launch.front(runtime -> recorder("front 1", probe));
        launch.open(runtime -> recorder("part 2", probe));
        assertThat(launch.serve(probe, () -> "up")).isSameAs(probe);
        launch.front(runtime -> recorder("front 2, after serving", probe));
        assertThat(listening(probe.endpoint())).isTrue();
        assertThat(probe.runtime().name()).isEqualTo("probe");

        probe.close();
        probe.close();

        assertThat(stopped).containsExactly("front 2, after serving (serving)", "front 1 (serving)", "part 2 (not serving)",
                "part 1 (not serving)");
    }

    @Test
    void aFailingStepStopsWhatWasStartedBeforeItIsThrown() throws IOException {
        ComponentLauncher launch = begin(0);
        launch.open(runtime -> () -> stopped.add("part"));
        launch.front(runtime -> () -> stopped.add("front"));
        assertThatThrownBy(() -> launch.attempt(runtime -> {
            throw new IOException("cannot read the store");
        })).isInstanceOf(IOException.class).hasMessage("cannot read the store");
        assertThat(stopped).containsExactly("front", "part");
    }

    @Test
    void aPortInUseStopsThePartsAndIsThrown() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ComponentLauncher launch = begin(taken.getLocalPort());
            launch.open(runtime -> () -> stopped.add("part"));
            Probe probe = new Probe();
            assertThatThrownBy(() -> launch.serve(probe, null)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(stopped).containsExactly("part");
            assertThatThrownBy(probe::endpoint).isInstanceOf(IllegalStateException.class);
        }
    }
}
