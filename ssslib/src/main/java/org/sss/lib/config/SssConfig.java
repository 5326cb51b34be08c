package org.sss.lib.config;

import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.wire.Endpoint;

/**
 * A loaded, checked configuration: everything a process of the suite needs to know, with paths absolute and
 * keys read. Immutable; {@code with…} methods return modified copies (the test kit uses them to point at
 * components started on port 0).
 *
 * @param source           the file it was read from
 * @param cluster          the cluster's name
 * @param varDir           the state directory
 * @param security         digest and keys
 * @param wire             wire limits and timeouts
 * @param renewInterval    how often components renew their directory lease
 * @param serviceDirectory the directory's settings; its endpoint is where everyone finds it
 * @param eventManager     the event manager's settings
 * @param raw              the validated file as parsed, for components to read their own elements with
 *                         {@link ConfigSections}
 */
public record SssConfig(Path source, String cluster, Path varDir, Security security, WireSettings wire,
                        Duration renewInterval, ServiceDirectorySettings serviceDirectory,
                        EventManagerSettings eventManager, org.sss.schema.config.Sss raw) {

    /** @return where the service directory listens */
    public Endpoint directoryEndpoint() {
        return serviceDirectory.component().endpoint();
    }

    /**
     * @param port the port the service directory actually listens on
     * @return a copy pointing at it
     */
    public SssConfig withDirectoryPort(int port) {
        return new SssConfig(source, cluster, varDir, security, wire, renewInterval,
                new ServiceDirectorySettings(serviceDirectory.component().withPort(port), serviceDirectory.lease(),
                        serviceDirectory.sweepInterval()), eventManager, raw);
    }

    /**
     * @param keyName a key in the ring
     * @return a copy whose processes present that key
     */
    public SssConfig presenting(String keyName) {
        return new SssConfig(source, cluster, varDir, new Security(security.digest(), security.keys().presenting(keyName)),
                wire, renewInterval, serviceDirectory, eventManager, raw);
    }

    /** @return the directory for pid files */
    public Path runDir() {
        return varDir.resolve("run");
    }

    /** @return the directory for logs */
    public Path logDir() {
        return varDir.resolve("log");
    }

    /**
     * Where a program looks for its configuration when no {@code --config} is given: {@code $SSS_CONFIG}, else
     * {@code $SSS_HOME/etc/sss.xml}, else {@code etc/sss.xml} under the working directory.
     *
     * @return the default configuration path
     */
    public static Path defaultPath() {
        String explicit = System.getenv("SSS_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getenv("SSS_HOME");
        return (home != null && !home.isBlank() ? Path.of(home) : Path.of("")).resolve("etc").resolve("sss.xml");
    }
}
