package org.sss.lib.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.SssConfig;

/**
 * Starts a component, one step at a time, and knows how to stop what it started: every component's {@code start}
 * goes through it, keeping only what is its own (its parts, its handlers, its log line).
 *
 * <ol>
 *   <li>{@link #begin} builds the component's {@link ComponentRuntime}, not listening yet;</li>
 *   <li>{@link #open} opens a part its handlers use (a store, a service), stopped after the runtime stops serving so
 *   that requests in progress are answered; {@link #front} starts a part that takes work of its own (a second
 *   listener, a dashboard, a timer), stopped before the runtime; {@link #attempt} runs any other step that may
 *   fail;</li>
 *   <li>{@link #serve} binds, registers with the service directory, logs the component's one line, and hands the
 *   component what it needs to stop ({@link Component#close()}).</li>
 * </ol>
 *
 * <p>When a step fails, everything started so far is stopped before the failure is thrown, so a component that
 * cannot start leaves nothing behind (no port, no thread, no open store). A stop stops the fronts (newest first),
 * then the runtime (it deregisters), then the parts (newest first); it happens once. Not thread-safe: one thread
 * starts a component.
 */
public final class ComponentLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentLauncher.class);

    /**
     * One step of a start that may fail.
     *
     * @param <T> what it makes
     */
    @FunctionalInterface
    public interface Step<T> {
        /**
         * @param runtime the component's runtime (its client, dispatcher, events and subscriptions)
         * @return what the step made
         * @throws IOException if it cannot be done (a store that cannot be opened, a port that cannot be bound)
         */
        T run(ComponentRuntime runtime) throws IOException;
    }

    private final String name;
    private final ComponentRuntime runtime;
    private final List<AutoCloseable> fronts = new ArrayList<>();
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ComponentLauncher(String name, ComponentRuntime runtime) {
        this.name = name;
        this.runtime = runtime;
    }

    /**
     * Builds a component's runtime, without listening yet.
     *
     * @param name     the component's name, as registered in the directory
     * @param config   the loaded configuration
     * @param settings the component's own element of it
     * @return the launcher
     */
    public static ComponentLauncher begin(String name, SssConfig config, ComponentSettings settings) {
        return new ComponentLauncher(name, ComponentRuntime.create(name, config, settings));
    }

    /** @return the component's runtime: register handlers on its dispatcher before {@link #serve} */
    public ComponentRuntime runtime() {
        return runtime;
    }

    /**
     * Opens a part the component's handlers use; it is closed after the runtime stops serving.
     *
     * @param step opens it
     * @param <T>  the part
     * @return the part
     * @throws IOException if it cannot be opened (what was started is stopped first)
     */
    public <T extends AutoCloseable> T open(Step<T> step) throws IOException {
        T part = attempt(step);
        parts.add(part);
        return part;
    }

    /**
     * Starts a part that takes work of its own (a listener in front of the dispatcher, a timer); it is closed before
     * the runtime. May be called after {@link #serve} too.
     *
     * @param step starts it
     * @param <T>  the part
     * @return the part
     * @throws IOException if it cannot be started (what was started is stopped first, the runtime included)
     */
    public <T extends AutoCloseable> T front(Step<T> step) throws IOException {
        T part = attempt(step);
        fronts.add(part);
        return part;
    }

    /**
     * Runs a step that keeps nothing to close.
     *
     * @param step the step
     * @param <T>  what it makes
     * @return what it made
     * @throws IOException if it fails (what was started is stopped first)
     */
    public <T> T attempt(Step<T> step) throws IOException {
        try {
            return step.run(runtime);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Binds and registers with the service directory over the wire, then logs {@code NAME: SUMMARY}.
     *
     * @param component the component, which stops all this when closed
     * @param summary   the component's one line about itself once it serves (null: none)
     * @param <C>       the component
     * @return the component, serving
     * @throws IOException if its address cannot be bound (what was started is stopped first)
     */
    public <C extends Component> C serve(C component, Supplier<String> summary) throws IOException {
        return serve(component, null, summary);
    }

    /**
     * Binds and registers through the given registrar (the service directory records itself), then logs
     * {@code NAME: SUMMARY}.
     *
     * @param component the component, which stops all this when closed
     * @param registrar how to record where it listens (null: the service directory over the wire)
     * @param summary   the component's one line about itself once it serves (null: none)
     * @param <C>       the component
     * @return the component, serving
     * @throws IOException if its address cannot be bound (what was started is stopped first)
     */
    public <C extends Component> C serve(C component, Registrar registrar, Supplier<String> summary) throws IOException {
        attempt(started -> registrar == null ? started.start() : started.start(registrar));
        component.launchedBy(this);
        if (summary != null) {
            LOG.info("{}: {}", name, summary.get());
        }
        return component;
    }

    /** Stops the fronts (newest first), the runtime, then the parts (newest first); only the first call does. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        closeNewestFirst(fronts);
        runtime.close();
        closeNewestFirst(parts);
    }

    private void closeNewestFirst(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("{}: stopping {} failed: {}", name, closeable.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
