package org.sss.lib.runtime;

import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.lib.error.SssException;

/** Registers with the service directory over the wire: what every component but the directory uses. */
public final class DirectoryRegistrar implements Registrar {
    private final DirectoryClient directory;

    /** @param directory the directory client */
    public DirectoryRegistrar(DirectoryClient directory) {
        this.directory = directory;
    }

    @Override
    public void register(Location location) throws SssException {
        directory.register(location);
    }

    @Override
    public void deregister(Location location) throws SssException {
        directory.deregister(location.component(), location.endpoint());
    }
}
