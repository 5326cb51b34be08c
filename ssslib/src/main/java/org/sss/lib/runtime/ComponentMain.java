package org.sss.lib.runtime;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.config.ComponentSettings;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;

/**
 * The {@code main} of every component daemon: {@code COMPONENT [--config FILE]}.
 *
 * <p>Loads the configuration ({@code --config}, else {@link SssConfig#defaultPath()}), sets the log level its element
 * names, starts the component (with a {@link ComponentLauncher}), and runs until SIGTERM or SIGINT, then stops it
 * cleanly. Exit status: 0 after a clean stop, 2 for a usage or
 * configuration error (one line naming file, line and field), 1 if the component cannot start (the reason on one
 * line, e.g. a port in use).
 */
public final class ComponentMain {
    /** Exit status of a clean stop. */
    public static final int EXIT_OK = 0;
    /** Exit status when the component cannot start or fails. */
    public static final int EXIT_FAILURE = 1;
    /** Exit status of a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    private ComponentMain() {
    }

    /** Finds a component's own element in a configuration. */
    @FunctionalInterface
    public interface SettingsOf {
        /**
         * @param config the loaded configuration
         * @return where the component listens, which key it presents, its log level
         * @throws ConfigException if its element is missing or unusable
         */
        ComponentSettings of(SssConfig config) throws ConfigException;
    }

    /** Starts one component from a configuration. */
    @FunctionalInterface
    public interface Starter {
        /**
         * @param config the loaded configuration
         * @return the running component; closing it stops it cleanly
         * @throws IOException     if it cannot bind or open its storage
         * @throws SssException    if it cannot start for another reason
         * @throws ConfigException if its own element of the configuration is missing or unusable
         */
        AutoCloseable start(SssConfig config) throws IOException, SssException, ConfigException;
    }

    /**
     * Runs a component until it is signalled to stop; calls {@link System#exit}.
     *
     * @param component the component's name
     * @param summary   one line saying what it does, for {@code --help}
     * @param args      the command line
     * @param settings  where its element of the configuration is (for its log level)
     * @param starter   how to start it
     */
    public static void run(String component, String summary, String[] args, SettingsOf settings, Starter starter) {
        System.exit(runUntilStopped(component, summary, args, settings, starter, new CountDownLatch(1)));
    }

    /**
     * Like {@link #run} but returns the exit status, and stops when {@code stop} counts down (for tests).
     *
     * @param component the component's name
     * @param summary   one line saying what it does
     * @param args      the command line
     * @param settings  where its element of the configuration is (for its log level)
     * @param starter   how to start it
     * @param stop      counts down to stop the component
     * @return the exit status
     */
    public static int runUntilStopped(String component, String summary, String[] args, SettingsOf settings, Starter starter,
                                      CountDownLatch stop) {
        Path configPath = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    usage(System.out, component, summary);
                    return EXIT_OK;
                }
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        System.err.println(component + ": --config needs a file");
                        return EXIT_USAGE;
                    }
                    configPath = Path.of(args[++i]);
                }
                default -> {
                    System.err.println(component + ": unknown argument '" + args[i] + "' (try --help)");
                    return EXIT_USAGE;
                }
            }
        }
        SssConfig config;
        try {
            config = ConfigLoader.load(configPath != null ? configPath : SssConfig.defaultPath());
        } catch (ConfigException e) {
            System.err.println(component + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        Logger log = LoggerFactory.getLogger(ComponentMain.class);
        AutoCloseable running;
        try {
            logLevel(settings.of(config).logLevel());
            running = starter.start(config);
        } catch (ConfigException e) {
            System.err.println(component + ": " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException | SssException e) {
            System.err.println(component + ": cannot start: " + e.getMessage());
            return EXIT_FAILURE;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopOnce = () -> {
            if (stopped.compareAndSet(false, true)) {
                log.info("{}: stopping", component);
                try {
                    running.close();
                } catch (Exception e) {
                    log.warn("{}: stop was not clean: {}", component, e.toString());
                }
                log.info("{}: stopped", component);
            }
        };
        // SIGTERM and SIGINT run the hook: the JVM ends when the hooks return, so the clean stop happens in the
        // hook itself, and the exit status is then 0 rather than 128+signal.
        Thread hook = Thread.ofPlatform().name("sss-shutdown").unstarted(() -> {
            stopOnce.run();
            Runtime.getRuntime().halt(EXIT_OK);
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopOnce.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            log.debug("{}: already shutting down", component);
        }
        return EXIT_OK;
    }

    /**
     * Sets the root log level.
     *
     * @param level error, warn, info, debug or trace
     */
    public static void logLevel(String level) {
        var root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    private static void usage(PrintStream out, String component, String summary) {
        out.println("usage: " + component + " [--config FILE]");
        out.println(summary);
        out.println();
        out.println("  --config FILE  configuration (default: $SSS_CONFIG, else $SSS_HOME/etc/sss.xml, else ./etc/sss.xml)");
        out.println("  --help         this text");
        out.println();
        out.println("Runs in the foreground until SIGTERM or SIGINT, then stops cleanly.");
        out.println("Exit status: 0 clean stop, 1 cannot start, 2 usage or configuration error.");
    }
}
