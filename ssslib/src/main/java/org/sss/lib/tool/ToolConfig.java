package org.sss.lib.tool;

import java.nio.file.Path;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;

/** Loads the configuration for a command-line tool, with an optional key to present instead of the client key. */
final class ToolConfig {
    private ToolConfig() {
    }

    /**
     * @param file    the {@code --config} value, or null for the default
     * @param keyName the {@code --key} value, or null
     * @return the configuration
     * @throws ConfigException if it cannot be loaded or the key is unknown
     */
    static SssConfig load(Path file, String keyName) throws ConfigException {
        Path path = file != null ? file : SssConfig.defaultPath();
        SssConfig config = ConfigLoader.load(path);
        if (keyName == null) {
            return config;
        }
        if (config.security().keys().key(keyName).isEmpty()) {
            throw new ConfigException(path, 0, "--key", "no key named '" + keyName + "' in the configuration");
        }
        return config.presenting(keyName);
    }
}
