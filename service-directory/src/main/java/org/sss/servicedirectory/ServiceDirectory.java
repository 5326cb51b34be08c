package org.sss.servicedirectory;

import java.io.IOException;
import java.time.Clock;
import org.sss.lib.client.Location;
import org.sss.lib.config.ServiceDirectorySettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentRuntime;
import org.sss.lib.runtime.Registrar;
import org.sss.lib.wire.Endpoint;
import org.sss.servicedirectory.internal.LeaseSweeper;
import org.sss.servicedirectory.internal.LocationOperations;
import org.sss.servicedirectory.internal.LocationTable;

/**
 * The service directory component: {@code add-location}, {@code del-location} and {@code get-location} over
 * the challenge wire, with leases ({@code service-directory/@lease}, default 180 s) and {@code component-up} /
 * {@code component-down} events. It lists itself. Its table is soft state (see {@link LocationTable}).
 *
 * <p>Start with {@link #start(SssConfig)}; {@link #close()} stops it cleanly.
 */
public final class ServiceDirectory implements AutoCloseable {
    /** The component's name. */
    public static final String NAME = "service-directory";
    private final ComponentRuntime runtime;
    private final LocationTable table;
    private final LeaseSweeper sweeper;

    private ServiceDirectory(ComponentRuntime runtime, LocationTable table, LeaseSweeper sweeper) {
        this.runtime = runtime;
        this.table = table;
        this.sweeper = sweeper;
    }

    /**
     * Starts the directory on {@code service-directory/@port} (0 picks a free port).
     *
     * @param config the configuration
     * @return the running directory
     * @throws IOException if the port cannot be bound
     */
    public static ServiceDirectory start(SssConfig config) throws IOException {
        ServiceDirectorySettings settings = config.serviceDirectory();
        Clock clock = Clock.systemUTC();
        LocationTable table = new LocationTable(settings.lease());
        ComponentRuntime runtime = ComponentRuntime.create(NAME, config, settings.component()).servesDirectory();
        new LocationOperations(table, runtime.events(), clock).registerOn(runtime.dispatcher());
        runtime.start(new Registrar() {
            @Override
            public void register(Location location) {
                table.registerPermanent(location);
            }

            @Override
            public void deregister(Location location) {
                table.remove(location);
            }
        });
        LeaseSweeper sweeper = new LeaseSweeper(table, runtime.events(), clock, settings.sweepInterval());
        return new ServiceDirectory(runtime, table, sweeper);
    }

    /** @return where the directory listens */
    public Endpoint endpoint() {
        return runtime.endpoint();
    }

    /** @return the number of registrations, itself included */
    public int registrations() {
        return table.size();
    }

    /** @return the runtime (server counters, events) */
    public ComponentRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        sweeper.close();
        runtime.close();
    }
}
