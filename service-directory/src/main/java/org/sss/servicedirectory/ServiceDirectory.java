package org.sss.servicedirectory;

import java.io.IOException;
import java.time.Clock;
import org.sss.lib.client.Location;
import org.sss.lib.config.ServiceDirectorySettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.Component;
import org.sss.lib.runtime.ComponentLauncher;
import org.sss.lib.runtime.Registrar;
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
public final class ServiceDirectory extends Component {
    /** The component's name. */
    public static final String NAME = "service-directory";
    private final LocationTable table;

    private ServiceDirectory(LocationTable table) {
        this.table = table;
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
        ComponentLauncher launch = ComponentLauncher.begin(NAME, config, settings.component());
        launch.runtime().servesDirectory();
        new LocationOperations(table, launch.runtime().events(), clock).registerOn(launch.runtime().dispatcher());
        ServiceDirectory directory = launch.serve(new ServiceDirectory(table), new Registrar() {
            @Override
            public void register(Location location) {
                table.registerPermanent(location);
            }

            @Override
            public void deregister(Location location) {
                table.remove(location);
            }
        }, null);
        launch.front(runtime -> new LeaseSweeper(table, runtime.events(), clock, settings.sweepInterval()));
        return directory;
    }

    /** @return the number of registrations, itself included */
    public int registrations() {
        return table.size();
    }
}
