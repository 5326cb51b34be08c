package org.sss.lib.runtime;

import org.sss.lib.client.Location;
import org.sss.lib.error.SssException;

/**
 * Records where a component listens so others can find it. Components use the service directory over the wire;
 * the service directory itself records its own location directly.
 */
public interface Registrar {
    /**
     * Registers the location, or renews its lease.
     *
     * @param location where the component listens
     * @throws SssException if the registration failed
     */
    void register(Location location) throws SssException;

    /**
     * Removes the registration (on a clean stop).
     *
     * @param location the registered location
     * @throws SssException if the removal failed
     */
    void deregister(Location location) throws SssException;
}
