package org.sss.lib.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;
import org.sss.lib.server.HttpTransport;
import org.sss.lib.server.MessageDispatcher;
import org.sss.lib.server.ServerSettings;
import org.sss.lib.server.SssServer;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.xml.MessageCodec;
import org.sss.lib.xml.XmlBinding;
import org.sss.schema.Events;

/**
 * What every component runs on: a challenge-wire server with a {@link MessageDispatcher}, registration with the
 * service directory (renewed every {@code registration/@renew-interval}, removed on a clean stop), a client to
 * call other components by name, an {@link EventPublisher} and event {@link Subscriptions}.
 *
 * <p>Use in two steps: {@link #create} builds everything without listening, so the component can register its
 * handlers on {@link #dispatcher()} and keep references to {@link #events()} and {@link #components()}; then
 * {@link #start()} binds and registers. A directory that cannot be reached at start is retried in the
 * background (1 s doubling to the renew interval): components may start in any order.
 */
public final class ComponentRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentRuntime.class);

    private final String name;
    private final SssConfig config;
    private final ComponentSettings settings;
    private final SssClient client;
    private final DirectoryClient directory;
    private final ComponentClient components;
    private final MessageDispatcher dispatcher;
    private final EventPublisher events;
    private final Subscriptions subscriptions;
    private final ScheduledExecutorService leaseTimer;
    private volatile SssServer server;
    private volatile HttpTransport http;
    private volatile Registrar registrar;
    private volatile Location location;
    private volatile boolean registered;
    private volatile boolean servesDirectory;
    private volatile boolean closed;
    private volatile String advertisedUrl;
    private long retryMillis = 1000;

    private ComponentRuntime(String name, SssConfig config, ComponentSettings settings) {
        this.name = name;
        this.config = config;
        this.settings = settings;
        MessageCodec codec = new MessageCodec(XmlBinding.messages(), config.wire().xmlLimits());
        this.client = new SssClient(codec, config.security().digest(),
                config.security().keys().key(settings.keyName()).orElseThrow(), config.wire());
        this.directory = new DirectoryClient(client, this::directoryEndpoint, Duration.ofSeconds(30));
        this.components = new ComponentClient(client, directory);
        this.dispatcher = new MessageDispatcher(codec);
        this.events = new EventPublisher(components, name);
        this.subscriptions = new Subscriptions(components, name);
        this.dispatcher.register("events", Events.class, subscriptions::deliver);
        this.leaseTimer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sss-lease-" + name).factory());
    }

    /**
     * Builds a component's runtime without listening yet.
     *
     * @param name     the component's name, as registered in the directory
     * @param config   the loaded configuration
     * @param settings the component's own element of it
     * @return the runtime, ready for handlers
     */
    public static ComponentRuntime create(String name, SssConfig config, ComponentSettings settings) {
        return new ComponentRuntime(name, config, settings);
    }

    /**
     * Marks this runtime as the service directory's own: it finds the directory at its own endpoint (which
     * matters when it was started on port 0). Call before {@link #start}.
     *
     * @return this runtime
     */
    public ComponentRuntime servesDirectory() {
        this.servesDirectory = true;
        return this;
    }

    private Endpoint directoryEndpoint() {
        return servesDirectory ? endpoint() : config.directoryEndpoint();
    }

    /** @return the dispatcher to register handlers on (before {@link #start()}) */
    public MessageDispatcher dispatcher() {
        return dispatcher;
    }

    /** @return the client for calling other components by name */
    public ComponentClient components() {
        return components;
    }

    /** @return the event publisher */
    public EventPublisher events() {
        return events;
    }

    /** @return this component's event subscriptions */
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /** @return the configuration */
    public SssConfig config() {
        return config;
    }

    /** @return the component's name */
    public String name() {
        return name;
    }

    /**
     * Binds and registers with the service directory over the wire.
     *
     * @return this runtime
     * @throws IOException if the address cannot be bound
     */
    public ComponentRuntime start() throws IOException {
        return start(new DirectoryRegistrar(directory));
    }

    /**
     * Binds and registers through the given registrar.
     *
     * @param withRegistrar how to record this component's location
     * @return this runtime
     * @throws IOException if the address cannot be bound
     */
    public ComponentRuntime start(Registrar withRegistrar) throws IOException {
        this.registrar = withRegistrar;
        this.server = SssServer.start(new ServerSettings(name, settings.listen(), settings.port(), config.security().digest(),
                config.security().keys(), config.wire()), dispatcher);
        if (settings.httpPort() != null) {
            try {
                this.http = HttpTransport.start(name, settings.listen(), settings.httpPort(), config.security().keys(),
                        config.wire().maxMessageBytes(), dispatcher, () -> dispatcher.metrics().render(name));
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }
        Endpoint endpoint = endpoint();
        Location bare = Location.of(name, endpoint);
        int httpPort = httpPort();
        this.location = bare.with(httpPort < 0 ? null : Integer.toString(httpPort), advertisedUrl);
        subscriptions.endpoint(endpoint);
        leaseTimer.execute(this::renew);
        return this;
    }

    /** @return the advertised host and the bound port */
    public Endpoint endpoint() {
        SssServer running = server;
        if (running == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return new Endpoint(settings.host(), running.port());
    }

    /**
     * Names a page for people to register with the directory beside the component's addresses (the web component's
     * dashboard); its registered HTTP port stays the {@code POST /sss} and {@code /metrics} one. Call before
     * {@link #start()}.
     *
     * @param url the page's address
     * @return this runtime
     */
    public ComponentRuntime advertiseUrl(String url) {
        this.advertisedUrl = url;
        return this;
    }

    /** @return the HTTP port ({@code POST /sss}), or -1 when the configuration asks for no HTTP */
    public int httpPort() {
        HttpTransport running = http;
        return running == null ? -1 : running.port();
    }

    /** @return the running server (connection and request counts) */
    public SssServer server() {
        return server;
    }

    /** @return whether the last registration attempt succeeded */
    public boolean isRegistered() {
        return registered;
    }

    private void renew() {
        if (closed) {
            return;
        }
        MDC.put("component", name);
        Duration renewInterval = config.renewInterval();
        long delay;
        try {
            registrar.register(location);
            if (!registered) {
                LOG.info("{}: registered at {} with the service directory at {}", name, location.endpoint(),
                        directoryEndpoint());
            }
            registered = true;
            retryMillis = 1000;
            subscriptions.renewAll();
            // A subscription the event manager has not accepted yet (it may not be up) is retried every second.
            delay = subscriptions.allConfirmed() ? renewInterval.toMillis() : Math.min(1000, renewInterval.toMillis());
        } catch (SssException | RuntimeException e) {
            if (registered || retryMillis == 1000) {
                LOG.warn("{}: cannot register with the service directory at {}: {}", name, directoryEndpoint(),
                        e.getMessage());
            }
            registered = false;
            delay = Math.min(retryMillis, renewInterval.toMillis());
            retryMillis = Math.min(retryMillis * 2, renewInterval.toMillis());
        }
        if (!closed) {
            leaseTimer.schedule(this::renew, Math.max(1, delay), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Clean stop: removes the registration, stops the server (requests in progress are answered), flushes queued
     * events and closes connections.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leaseTimer.shutdownNow();
        if (registered && registrar != null) {
            try {
                registrar.deregister(location);
                LOG.info("{}: removed its registration from the service directory", name);
            } catch (SssException | RuntimeException e) {
                LOG.warn("{}: could not remove its registration: {}", name, e.getMessage());
            }
        }
        registered = false;
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
        events.close();
        client.close();
    }
}
