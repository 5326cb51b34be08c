package org.sss.lib.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import org.glassfish.jaxb.core.Locatable;
import org.sss.lib.wire.KeyRing;
import org.sss.schema.config.ComponentType;

/**
 * Helps a component read its own element of a loaded configuration ({@link SssConfig#raw()}): its listening
 * settings, durations, paths relative to the file or to the state directory, and errors that name the file, the
 * line and the field, as {@link ConfigLoader}'s own do. Stateless.
 */
public final class ConfigSections {
    private ConfigSections() {
    }

    /**
     * @param config  the configuration
     * @param element the component's element
     * @param name    its element name, for messages
     * @return where it listens and which key it presents
     * @throws ConfigException if it names a key that is not defined
     */
    public static ComponentSettings component(SssConfig config, ComponentType element, String name) throws ConfigException {
        return component(config.source(), config.security().keys(), element, name);
    }

    static ComponentSettings component(Path source, KeyRing keys, ComponentType element, String name) throws ConfigException {
        String key = element.getKey() != null ? element.getKey() : keys.clientKey().name();
        if (keys.key(key).isEmpty()) {
            throw new ConfigException(source, line(element), "<" + name + "> key", "no key named '" + key + "' is defined");
        }
        String listen = element.getListen() != null ? element.getListen() : element.getHost();
        return new ComponentSettings(element.getHost(), listen, element.getPort(), key, element.getLogLevel().value(),
                element.getHttpPort());
    }

    /**
     * A component's element, which its component cannot start without.
     *
     * @param config  the configuration
     * @param element the element as parsed (null when the file has none)
     * @param name    its element name, e.g. {@code scheduler}
     * @param who     who needs it, for the message, e.g. {@code the scheduler}
     * @param <T>     the element's type
     * @return the element
     * @throws ConfigException naming the file and the element when it is missing
     */
    public static <T> T required(SssConfig config, T element, String name, String who) throws ConfigException {
        if (element == null) {
            throw new ConfigException(config.source(), 0, "<" + name + ">", "missing: " + who + " needs its element");
        }
        return element;
    }

    /**
     * @param seconds a validated seconds value
     * @return it as a duration
     */
    public static Duration seconds(BigDecimal seconds) {
        return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /**
     * @param config the configuration
     * @param path   a path from it
     * @return it resolved against the directory holding the configuration file
     */
    public static Path besideConfig(SssConfig config, String path) {
        return config.source().toAbsolutePath().normalize().getParent().resolve(path).normalize();
    }

    /**
     * @param config the configuration
     * @param path   a path from it
     * @return it resolved against the state directory
     */
    public static Path inState(SssConfig config, String path) {
        return config.varDir().resolve(path).normalize();
    }

    /**
     * @param element an element of the parsed configuration
     * @return its line in the file, or 0 if unknown
     */
    public static int line(Object element) {
        if (element instanceof Locatable locatable && locatable.sourceLocation() != null) {
            return locatable.sourceLocation().getLineNumber();
        }
        return 0;
    }

    /**
     * @param config  the configuration
     * @param element the element at fault
     * @param field   element and attribute, e.g. {@code <process-manager> mpd-secret}
     * @param reason  what is wrong
     * @return the exception to throw
     */
    public static ConfigException error(SssConfig config, Object element, String field, String reason) {
        return new ConfigException(config.source(), line(element), field, reason);
    }
}
