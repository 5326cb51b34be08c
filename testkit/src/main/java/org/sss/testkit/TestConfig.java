package org.sss.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;

/**
 * Writes configuration files for tests: everything on 127.0.0.1, ports 0 unless given, keys from
 * {@link TestKeys}, short leases. The file goes through the real {@link ConfigLoader}. Immutable builder.
 *
 * @param dir             the test's directory (the file is {@code DIR/etc/sss.xml}, state in {@code DIR/var})
 * @param directoryPort   the service directory's port
 * @param lease           the directory's lease
 * @param renew           the components' renew interval
 * @param sweep           the directory's sweep interval
 * @param digest          {@code hmac-sha256} or {@code md5}
 * @param clientKey       the key processes present
 * @param extraWire       extra attributes for the {@code <wire>} element, or empty
 * @param eventManagerPort the event manager's port
 * @param elements        more component elements, as XML, e.g. a {@code <process-manager …/>}
 */
public record TestConfig(Path dir, int directoryPort, Duration lease, Duration renew, Duration sweep, String digest,
                         String clientKey, String extraWire, int eventManagerPort, String elements) {

    /**
     * @param dir the test's directory
     * @return defaults: ports 0, lease 3 s, renew 1 s, sweep 0.1 s, hmac-sha256, client key {@code suite}
     */
    public static TestConfig in(Path dir) {
        return new TestConfig(dir, 0, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(100), "hmac-sha256",
                TestKeys.SUITE, "", 0, "");
    }

    /** @return a copy with the directory's port */
    public TestConfig directoryPort(int port) {
        return new TestConfig(dir, port, lease, renew, sweep, digest, clientKey, extraWire, eventManagerPort, elements);
    }

    /** @return a copy with the event manager's port */
    public TestConfig eventManagerPort(int port) {
        return new TestConfig(dir, directoryPort, lease, renew, sweep, digest, clientKey, extraWire, port, elements);
    }

    /** @return a copy with lease and renew interval */
    public TestConfig leases(Duration newLease, Duration newRenew) {
        return new TestConfig(dir, directoryPort, newLease, newRenew, sweep, digest, clientKey, extraWire, eventManagerPort, elements);
    }

    /** @return a copy with the digest */
    public TestConfig digest(String newDigest) {
        return new TestConfig(dir, directoryPort, lease, renew, sweep, newDigest, clientKey, extraWire, eventManagerPort, elements);
    }

    /** @return a copy presenting another key */
    public TestConfig clientKey(String key) {
        return new TestConfig(dir, directoryPort, lease, renew, sweep, digest, key, extraWire, eventManagerPort, elements);
    }

    /** @return a copy with extra {@code <wire>} attributes, e.g. {@code idle-timeout="0.5"} */
    public TestConfig wire(String attributes) {
        return new TestConfig(dir, directoryPort, lease, renew, sweep, digest, clientKey, attributes, eventManagerPort, elements);
    }

    /**
     * @param xml component elements to add, e.g. {@code <process-manager kill-grace="1"/>}
     * @return a copy with them
     */
    public TestConfig with(String xml) {
        return new TestConfig(dir, directoryPort, lease, renew, sweep, digest, clientKey, extraWire, eventManagerPort,
                elements + xml);
    }

    /** @return the configuration file's path */
    public Path file() {
        return dir.resolve("etc").resolve("sss.xml");
    }

    /**
     * Writes the keys and the file.
     *
     * @return the file
     */
    public Path write() {
        TestKeys.writeAll(dir);
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <sss cluster="test" var="../var">
                  <security digest="%s" client-key="%s">
                    <key name="suite" file="../keys/suite.key" role="component"/>
                    <key name="admin" file="../keys/admin.key" role="admin"/>
                    <key name="alice" file="../keys/alice.key" role="user" user="alice"/>
                    <key name="bob" file="../keys/bob.key" role="user" user="bob"/>
                  </security>
                  <wire %s/>
                  <registration renew-interval="%s"/>
                  <service-directory host="127.0.0.1" port="%d" lease="%s" sweep-interval="%s"/>
                  <event-manager host="127.0.0.1" port="%d"/>
                  %s
                </sss>
                """.formatted(digest, clientKey, extraWire, seconds(renew), directoryPort, seconds(lease), seconds(sweep),
                eventManagerPort, elements);
        try {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), xml);
            return file();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes and loads the configuration.
     *
     * @return the loaded configuration
     */
    public SssConfig load() {
        try {
            return ConfigLoader.load(write());
        } catch (ConfigException e) {
            throw new IllegalStateException("test configuration does not load: " + e.getMessage(), e);
        }
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
