package org.sss.scheduler;

import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.schema.config.SchedulerType;

/**
 * The scheduler's element of the configuration ({@code <scheduler>}), checked.
 *
 * @param component where it listens and which key it presents
 * @param database  its SQLite database of reservations (absolute)
 * @param interval  the longest time between passes
 * @param policy    how jobs are chosen
 */
public record SchedulerSettings(ComponentSettings component, Path database, Duration interval, SchedulingPolicy policy) {
    /** The element's name. */
    public static final String ELEMENT = "scheduler";

    /**
     * @param config a loaded configuration
     * @return the settings
     * @throws ConfigException if the element is missing or a value cannot be used, naming file, line and field
     */
    public static SchedulerSettings from(SssConfig config) throws ConfigException {
        SchedulerType element = ConfigSections.required(config, config.raw().getScheduler(), ELEMENT, "the scheduler");
        Duration interval = ConfigSections.seconds(element.getInterval());
        if (interval.isZero()) {
            throw ConfigSections.error(config, element, "<" + ELEMENT + "> interval", "must be more than 0");
        }
        return new SchedulerSettings(ConfigSections.component(config, element, ELEMENT),
                ConfigSections.inState(config, element.getDatabase()), interval, SchedulingPolicy.fromConfig(element.getPolicy()));
    }
}
