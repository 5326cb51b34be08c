package org.sss.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.sss.eventmanager.EventManager;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.SssConfig;
import org.sss.lib.wire.Endpoint;
import org.sss.servicedirectory.ServiceDirectory;

/**
 * A real service directory and event manager, started in-process on 127.0.0.1 port 0 for a test, like
 * Curator's TestingServer; {@link #start} returns once both are registered. Keys are generated (mode 0600) and the configuration is written to
 * {@code DIR/etc/sss.xml} with the directory's actual port, so forked components and tools can use it.
 *
 * <pre>{@code
 * try (SssTestSuite suite = SssTestSuite.start(TestConfig.in(tempDir))) {
 *     Endpoint em = suite.client().directory().locate("event-manager");
 * }
 * }</pre>
 */
public final class SssTestSuite implements AutoCloseable {
    private final TestConfig testConfig;
    private final SssConfig config;
    private final ServiceDirectory directory;
    private EventManager eventManager;
    private final SssClient wire;
    private final ComponentClient client;

    private SssTestSuite(TestConfig testConfig, SssConfig config, ServiceDirectory directory, EventManager eventManager) {
        this.testConfig = testConfig;
        this.config = config;
        this.directory = directory;
        this.eventManager = eventManager;
        this.wire = SssClient.fromConfig(config);
        this.client = new ComponentClient(wire, new DirectoryClient(wire, config.directoryEndpoint()));
    }

    /**
     * Starts the directory and an event manager.
     *
     * @param base the test configuration (its ports are ignored for the directory)
     * @return the running suite
     */
    public static SssTestSuite start(TestConfig base) {
        return start(base, true);
    }

    /**
     * Starts the directory and, if asked, an event manager.
     *
     * @param base             the test configuration
     * @param withEventManager whether to start an in-process event manager
     * @return the running suite
     */
    public static SssTestSuite start(TestConfig base, boolean withEventManager) {
        ServiceDirectory directory = null;
        try {
            directory = ServiceDirectory.start(base.directoryPort(0).load());
            TestConfig pinned = base.directoryPort(directory.endpoint().port());
            SssConfig config = pinned.load();
            EventManager eventManager = withEventManager ? EventManager.start(config) : null;
            if (eventManager != null) {
                org.awaitility.Awaitility.await("the event manager's registration").atMost(java.time.Duration.ofSeconds(30))
                        .until(eventManager.runtime()::isRegistered);
            }
            return new SssTestSuite(pinned, config, directory, eventManager);
        } catch (IOException e) {
            if (directory != null) {
                directory.close();
            }
            throw new UncheckedIOException(e);
        }
    }

    /** @return the configuration, pointing at the running directory */
    public SssConfig config() {
        return config;
    }

    /** @return the test configuration (to derive variants, e.g. another client key) */
    public TestConfig testConfig() {
        return testConfig;
    }

    /** @return the configuration file written for forked processes */
    public Path configFile() {
        return testConfig.file();
    }

    /** @return the service directory */
    public ServiceDirectory directory() {
        return directory;
    }

    /** @return where the directory listens */
    public Endpoint directoryEndpoint() {
        return directory.endpoint();
    }

    /** @return the in-process event manager, or null */
    public EventManager eventManager() {
        return eventManager;
    }

    /** Stops the in-process event manager (a test may replace it by a forked one). */
    public void stopEventManager() {
        if (eventManager != null) {
            eventManager.close();
            eventManager = null;
        }
    }

    /** @return a client presenting the component key, finding components through the directory */
    public ComponentClient client() {
        return client;
    }

    /**
     * @param keyName a key of {@link TestKeys}
     * @return a new wire client presenting that key (close it)
     */
    public SssClient clientAs(String keyName) {
        return SssClient.fromConfig(config.presenting(keyName));
    }

    @Override
    public void close() {
        wire.close();
        stopEventManager();
        directory.close();
    }
}
