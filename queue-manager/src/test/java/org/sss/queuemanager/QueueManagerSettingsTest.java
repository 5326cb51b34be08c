package org.sss.queuemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;

/** The queue manager's settings as read from a configuration file. */
class QueueManagerSettingsTest {
    @TempDir
    Path dir;

    private QueueManagerSettings load(String queueManager, String nodes) throws IOException, ConfigException {
        Path key = dir.resolve("suite.key");
        Files.writeString(key, "secret\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path file = dir.resolve("sss.xml");
        Files.writeString(file, """
                <sss cluster="t" var=".">
                  <security digest="hmac-sha256" client-key="suite">
                    <key name="suite" file="suite.key" role="component"/>
                  </security>
                  <service-directory host="127.0.0.1" port="7700"/>
                  %s
                  <nodes>%s</nodes>
                </sss>
                """.formatted(queueManager, nodes));
        return QueueManagerSettings.from(ConfigLoader.load(file));
    }

    @Test
    void namesGivenTwiceAndExtraSpacesAreReadAsOne() throws IOException, ConfigException {
        QueueManagerSettings settings = load("""
                <queue-manager host="127.0.0.1" port="0" admins=" root  root ">
                  <queue name="batch" users="alice  bob alice"/>
                </queue-manager>""",
                "<node name=\"node1\" features=\" gpu  ib gpu \"/>");

        assertThat(settings.admins()).containsExactly("root");
        assertThat(settings.queues().getFirst().users()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(settings.nodes().getFirst().features()).containsExactlyInAnyOrder("gpu", "ib");
    }

    @Test
    void qualitiesOfServiceAreReadWithTheirLimitsAndAtMostOneDefault() throws IOException, ConfigException {
        QueueManagerSettings settings = load("""
                <queue-manager host="127.0.0.1" port="0">
                  <qos name="normal" default="true"/>
                  <qos name="debug" priority="100" max-walltime="1800" max-nodes="2" max-jobs-per-user="1" users="alice"/>
                </queue-manager>""", "<node name=\"node1\"/>");
        assertThat(settings.defaultQos()).map(QueueManagerSettings.Qos::name).contains("normal");
        assertThat(settings.qos("debug")).contains(new QueueManagerSettings.Qos("debug", false, 100, 1800, 2, 1,
                java.util.Set.of("alice")));
        assertThat(settings.qos("none")).isEmpty();

        assertThatThrownBy(() -> load("""
                <queue-manager host="127.0.0.1" port="0">
                  <qos name="a" default="true"/>
                  <qos name="b" default="true"/>
                </queue-manager>""", "<node name=\"node1\"/>")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("only one qos may be the default");
        assertThatThrownBy(() -> load("""
                <queue-manager host="127.0.0.1" port="0">
                  <qos name="a"/>
                  <qos name="a"/>
                </queue-manager>""", "<node name=\"node1\"/>")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("qos a is defined twice");
        assertThatThrownBy(() -> load("""
                <queue-manager host="127.0.0.1" port="0">
                  <qos name="a" priority="5000"/>
                </queue-manager>""", "<node name=\"node1\"/>")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("priority");
        assertThatThrownBy(() -> load("""
                <queue-manager host="127.0.0.1" port="0">
                  <qos name="-x"/>
                </queue-manager>""", "<node name=\"node1\"/>")).as("a name no job could ask for")
                .isInstanceOf(ConfigException.class).hasMessageContaining("sss.xml");
    }
}
