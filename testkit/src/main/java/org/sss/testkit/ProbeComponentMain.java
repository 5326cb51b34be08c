package org.sss.testkit;

import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.SssConfig;
import org.sss.lib.runtime.ComponentMain;
import org.sss.lib.runtime.ComponentRuntime;

/**
 * {@code probe-component NAME [--config FILE]}: a component that only registers and renews its lease. Tests fork
 * it and kill it to watch leases expire.
 */
public final class ProbeComponentMain {
    private ProbeComponentMain() {
    }

    /** @param args the component name, then the usual {@code --config FILE} */
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "probe";
        String[] rest = args.length > 0 ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        ComponentMain.run(name, "A test component that only registers with the service directory.", rest,
                ProbeComponentMain::settings, config -> ComponentRuntime.create(name, config, settings(config)).start());
    }

    private static ComponentSettings settings(SssConfig config) {
        return new ComponentSettings("127.0.0.1", "127.0.0.1", 0, config.security().keys().clientKey().name(), "info");
    }
}
