package org.sss.lib.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.Role;

class ConfigLoaderTest {
    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void keys() throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        for (String name : new String[] {"suite", "admin"}) {
            Path key = dir.resolve("keys/" + name + ".key");
            Files.writeString(key, name + "-secret\n");
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
        file = dir.resolve("etc/sss.xml");
        Files.createDirectories(file.getParent());
    }

    private SssConfig load(String xml) throws IOException, ConfigException {
        Files.writeString(file, xml);
        return ConfigLoader.load(file);
    }

    private static String config(String serviceDirectory, String extra) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <sss cluster="c1" var="../var">
                  <security digest="md5" client-key="suite">
                    <key name="suite" file="../keys/suite.key" role="component"/>
                    <key name="admin" file="../keys/admin.key" role="admin"/>
                  </security>
                  %s
                  %s
                </sss>
                """.formatted(serviceDirectory, extra);
    }

    @Test
    void aCompleteFileLoadsWithDefaultsAndResolvedPaths() throws Exception {
        SssConfig config = load(config("<service-directory host=\"127.0.0.1\" port=\"7700\" lease=\"2.5\"/>",
                "<event-manager port=\"7701\" retention-events=\"50\"/>"));
        assertThat(config.cluster()).isEqualTo("c1");
        assertThat(config.varDir()).isEqualTo(dir.resolve("var"));
        assertThat(config.security().digest()).isEqualTo(Digest.MD5);
        assertThat(config.security().keys().clientKey().name()).isEqualTo("suite");
        assertThat(config.security().keys().key("admin").orElseThrow().principal().role()).isEqualTo(Role.ADMIN);
        assertThat(config.directoryEndpoint().port()).isEqualTo(7700);
        assertThat(config.serviceDirectory().lease()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.renewInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.wire().maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.eventManager().database()).isEqualTo(dir.resolve("var/event-manager.db"));
        assertThat(config.eventManager().retentionEvents()).isEqualTo(50);
        assertThat(config.eventManager().component().listen()).isEqualTo("127.0.0.1");
        assertThat(config.eventManager().component().keyName()).isEqualTo("suite");
    }

    @Test
    void aMissingComponentElementNamesTheFileAndTheElement() throws Exception {
        SssConfig config = load(config("<service-directory host=\"127.0.0.1\" port=\"7700\"/>", ""));
        assertThat(ConfigSections.required(config, config.raw().getServiceDirectory(), "service-directory", "the directory"))
                .isSameAs(config.raw().getServiceDirectory());
        assertThatThrownBy(() -> ConfigSections.required(config, config.raw().getScheduler(), "scheduler", "the scheduler"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("<scheduler>");
                    assertThat(e.getMessage()).startsWith(file.toString()).endsWith("missing: the scheduler needs its element")
                            .doesNotContain("\n");
                });
    }

    @Test
    void aBadAttributeValueNamesFileLineElementAndAttribute() {
        assertThatThrownBy(() -> load(config("<service-directory host=\"h\"\n port=\"abc\"/>", "")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(8);
                    assertThat(e.field()).isEqualTo("<service-directory> port");
                    assertThat(e.getMessage()).startsWith(file + ":8: <service-directory> port: ").contains("abc")
                            .doesNotContain("\n");
                });
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThatThrownBy(() -> load(config("<service-directory port=\"70000\"/>", "")))
                .hasMessageContaining("<service-directory> port").hasMessageContaining("70000");
    }

    @Test
    void anUnknownElementIsNamed() {
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\"/>", "<scheduler-of-doom/>")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage()).contains(":8:")
                        .contains("scheduler-of-doom"));
    }

    @Test
    void aMissingRequiredElementIsNamed() {
        assertThatThrownBy(() -> load(config("", ""))).hasMessageContaining("service-directory");
    }

    @Test
    void aKeyFileOthersCanReadStopsLoadingWithOneLine() throws IOException {
        Files.setPosixFilePermissions(dir.resolve("keys/admin.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\"/>", "")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.field()).isEqualTo("<key name='admin'> file");
                    assertThat(e.getMessage()).contains("mode 0644").contains("chmod 600").doesNotContain("\n");
                });
    }

    @Test
    void aMissingKeyFileIsNamed() throws IOException {
        Files.delete(dir.resolve("keys/suite.key"));
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\"/>", "")))
                .hasMessageContaining("<key name='suite'> file").hasMessageContaining("does not exist");
    }

    @Test
    void anUnknownClientKeyOrComponentKeyIsRefused() {
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\"/>", "").replace("client-key=\"suite\"", "client-key=\"nobody\"")))
                .hasMessageContaining("<security> client-key").hasMessageContaining("nobody");
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\" key=\"ghost\"/>", "")))
                .hasMessageContaining("<service-directory> key").hasMessageContaining("ghost");
    }

    @Test
    void aUserKeyNeedsAUser() {
        assertThatThrownBy(() -> load(config("<service-directory port=\"7700\"/>", "")
                .replace("role=\"admin\"", "role=\"user\"")))
                .hasMessageContaining("<key name='admin'> user");
    }

    @Test
    void aMissingFileOrBrokenXmlIsOneLine() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.xml"))).hasMessageContaining("no such file");
        assertThatThrownBy(() -> load("<sss cluster=>")).hasMessageContaining("not well-formed").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> load("<!DOCTYPE sss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><sss/>"))
                .hasMessageContaining("DOCTYPE");
    }
}
