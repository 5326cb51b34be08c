package org.sss.servicedirectory;

import org.sss.lib.runtime.ComponentMain;

/** {@code service-directory [--config FILE]}: runs the service directory in the foreground. */
public final class ServiceDirectoryMain {
    private ServiceDirectoryMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.run(ServiceDirectory.NAME, "Runs the SSS service directory: where components register and find each other.", args,
                config -> config.serviceDirectory().component(), ServiceDirectory::start);
    }
}
