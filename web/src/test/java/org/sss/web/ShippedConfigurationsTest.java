package org.sss.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.nodestatemanager.NodeStateManagerSettings;
import org.sss.processmanager.ProcessManagerSettings;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.scheduler.SchedulerSettings;

/**
 * Every configuration the project ships (etc/sss.xml, etc/minimal.xml, etc/cluster/*.xml) validates against
 * config.xsd and gives every component it configures usable settings, once the key files it names exist.
 */
class ShippedConfigurationsTest {
    private static final Path ETC = Path.of("..", "etc").toAbsolutePath().normalize();
    private static final Pattern KEY_FILE = Pattern.compile("(?:file|mpd-secret|viewer-key|secret)=\"([^\"]+)\"");

    @TempDir
    Path dir;

    static Stream<String> shipped() throws IOException {
        try (Stream<Path> cluster = Files.list(ETC.resolve("cluster"))) {
            List<String> files = cluster.filter(p -> p.toString().endsWith(".xml")).map(p -> "cluster/" + p.getFileName()).toList();
            assertThat(files).contains("cluster/head.xml", "cluster/login.xml");
            return Stream.concat(Stream.of("sss.xml", "minimal.xml"), files.stream());
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void loadsWithEveryComponentItConfigures(String name) throws IOException, ConfigException {
        Path file = dir.resolve("etc").resolve(name);
        Files.createDirectories(file.getParent());
        String xml = Files.readString(ETC.resolve(name));
        Files.writeString(file, xml);
        Matcher keys = KEY_FILE.matcher(xml);
        while (keys.find()) {
            Path key = file.getParent().resolve(keys.group(1)).normalize();
            Files.createDirectories(key.getParent());
            Files.writeString(key, key.getFileName().toString().endsWith(".conf") ? "MPD_SECRETWORD=test\n" : "secret\n");
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
        SssConfig config = ConfigLoader.load(file);
        if (config.raw().getProcessManager() != null) {
            assertThat(ProcessManagerSettings.from(config)).isNotNull();
        }
        if (config.raw().getQueueManager() != null) {
            assertThat(QueueManagerSettings.from(config)).isNotNull();
        }
        if (config.raw().getNodeStateManager() != null) {
            assertThat(NodeStateManagerSettings.from(config)).isNotNull();
        }
        if (config.raw().getScheduler() != null) {
            assertThat(SchedulerSettings.from(config)).isNotNull();
        }
        if (config.raw().getWeb() != null) {
            assertThat(WebSettings.from(config).dashboardPort()).isEqualTo(7780);
        }
    }
}
