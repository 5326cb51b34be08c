package org.sss.lib.runtime;

import org.sss.lib.wire.Endpoint;

/**
 * A running component of the suite (the service directory, the event manager, the process manager, ...): what every
 * one of them is once its {@link ComponentLauncher} has served it. Subclasses add what is their own (the queue
 * manager's socket, the dashboard's port); their {@code start(SssConfig)} builds them with a launcher and returns
 * them from {@link ComponentLauncher#serve}, so that a component is never seen before it serves.
 *
 * <p>{@link #close()} stops it cleanly, once: what takes work of its own first, then the server (requests in
 * progress are answered, the registration removed), then its stores and services.
 */
public abstract class Component implements AutoCloseable {
    private volatile ComponentLauncher launcher;

    /** For subclasses; {@link ComponentLauncher#serve} makes the component a running one. */
    protected Component() {
    }

    /** Called once, by the launcher that served this component. */
    final void launchedBy(ComponentLauncher served) {
        if (launcher != null) {
            throw new IllegalStateException("already serving");
        }
        launcher = served;
    }

    private ComponentLauncher launcher() {
        ComponentLauncher served = launcher;
        if (served == null) {
            throw new IllegalStateException("not served yet");
        }
        return served;
    }

    /** @return the advertised host and the bound port of its challenge-wire server */
    public final Endpoint endpoint() {
        return runtime().endpoint();
    }

    /** @return its runtime (registration, subscriptions, events, server counters) */
    public final ComponentRuntime runtime() {
        return launcher().runtime();
    }

    /** Stops the component cleanly (see the class comment); later calls do nothing. */
    @Override
    public final void close() {
        launcher().stop();
    }
}
