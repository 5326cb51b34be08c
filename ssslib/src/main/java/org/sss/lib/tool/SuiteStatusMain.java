package org.sss.lib.tool;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.Location;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.ConfigLoader;
import org.sss.lib.config.ConfigSections;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.ComponentMain;
import org.sss.schema.config.KeyType;
import org.sss.schema.config.RingMpdType;
import org.sss.schema.config.RingType;
import org.sss.schema.config.Sss;

/**
 * {@code sss-status [--config FILE] [--configured | --local-ring | --key-files | --await COMPONENT... [--timeout
 * SECONDS]]}: lists what is registered with the service directory, or waits until the named components are, or
 * prints the components the configuration runs, in start order ({@code --configured}), or the mpds it runs on this
 * machine ({@code --local-ring}), or the key files it names and who reads them ({@code --key-files}, which needs
 * none of them to exist). {@code bin/sss start}, {@code status} and {@code keys} use it.
 * Exit status: 0 listed (or all registered in time), 1 directory unreachable or timeout, 2 usage or configuration.
 */
public final class SuiteStatusMain {
    private SuiteStatusMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.logLevel("error");
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param config a configuration
     * @return the components it runs, in start order: the directory (unless it is remote), then those whose element is
     *         present
     */
    static List<String> configuredComponents(SssConfig config) {
        return configuredComponents(config.raw());
    }

    private static List<String> configuredComponents(Sss raw) {
        List<String> components = new ArrayList<>();
        if (!raw.getServiceDirectory().isRemote()) {
            components.add("service-directory");
        }
        if (raw.getEventManager() != null) {
            components.add("event-manager");
        }
        if (raw.getProcessManager() != null) {
            components.add("process-manager");
        }
        if (raw.getNodeStateManager() != null) {
            components.add("node-state-manager");
        }
        if (raw.getQueueManager() != null) {
            components.add("queue-manager");
        }
        if (raw.getScheduler() != null) {
            components.add("scheduler");
        }
        if (raw.getWeb() != null) {
            components.add("web");
        }
        return components;
    }

    /**
     * The key files a configuration names and which of its components read each, from the file alone (none of them
     * need exist): every component loads every {@code <security>} key (a server knows its callers by the key that
     * answers its challenge); the dashboard alone reads its viewer key; the process manager, the node state manager
     * and the dashboard read the ring's secret.
     *
     * @param file a configuration
     * @return {@code components C...}, then one line per file: {@code key NAME ROLE FILE},
     *         {@code viewer-key FILE}, {@code ring-secret FILE READER...}
     * @throws ConfigException if the file is not a valid configuration
     */
    static List<String> keyFiles(Path file) throws ConfigException {
        Sss raw = ConfigLoader.parseOnly(file);
        Path dir = file.toAbsolutePath().normalize().getParent();
        List<String> components = configuredComponents(raw);
        List<String> lines = new ArrayList<>();
        lines.add(("components " + String.join(" ", components)).strip());
        for (KeyType key : raw.getSecurity().getKey()) {
            lines.add("key " + key.getName() + " " + key.getRole().value() + " " + dir.resolve(key.getFile()).normalize());
        }
        if (raw.getWeb() != null && raw.getWeb().getViewerKey() != null) {
            lines.add("viewer-key " + dir.resolve(raw.getWeb().getViewerKey()).normalize());
        }
        if (raw.getRing() != null) {
            List<String> readers = components.stream()
                    .filter(c -> c.equals("process-manager") || c.equals("node-state-manager") || c.equals("web")).toList();
            lines.add(("ring-secret " + dir.resolve(raw.getRing().getSecret()).normalize() + " " + String.join(" ", readers))
                    .strip());
        }
        return lines;
    }

    /**
     * @param config a configuration
     * @return the mpds {@code bin/sss start} runs on this machine, one line each ({@code mpd NAME ADDR:PORT}), then
     *         {@code ring-secret FILE} and {@code ring-grace SECONDS}; nothing unless its {@code <ring>} is local
     * @throws ConfigException naming the line of a local ring's mpd without a name
     */
    static List<String> localRing(SssConfig config) throws ConfigException {
        RingType ring = config.raw().getRing();
        List<String> lines = new ArrayList<>();
        if (ring == null || !ring.isLocal()) {
            return lines;
        }
        for (RingMpdType mpd : ring.getMpd()) {
            if (mpd.getName() == null) {
                throw ConfigSections.error(config, mpd, "<ring><mpd> name", "a local ring's mpds need a name (node1, ...)");
            }
            lines.add("mpd " + mpd.getName() + " " + mpd.getAddress());
        }
        lines.add("ring-secret " + ConfigSections.besideConfig(config, ring.getSecret()));
        lines.add("ring-grace " + ring.getGrace().toPlainString());
        return lines;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        Set<String> await = new LinkedHashSet<>();
        Duration timeout = Duration.ofSeconds(60);
        boolean awaiting = false;
        boolean configured = false;
        boolean localRing = false;
        boolean keyFiles = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.println("usage: sss-status [--config FILE] [--configured | --local-ring | --key-files | --await COMPONENT... [--timeout SECONDS]]");
                    return 0;
                }
                case "--configured" -> configured = true;
                case "--key-files" -> keyFiles = true;
                case "--local-ring" -> localRing = true;
                case "--config", "-c" -> {
                    if (++i >= args.length) {
                        err.println("sss-status: --config needs a file");
                        return 2;
                    }
                    config = Path.of(args[i]);
                    awaiting = false;
                }
                case "--timeout" -> {
                    try {
                        timeout = Duration.ofMillis((long) (Double.parseDouble(args[++i]) * 1000));
                    } catch (RuntimeException e) {
                        err.println("sss-status: --timeout needs seconds");
                        return 2;
                    }
                    awaiting = false;
                }
                case "--await" -> awaiting = true;
                default -> {
                    if (!awaiting) {
                        err.println("sss-status: unexpected argument '" + args[i] + "'");
                        return 2;
                    }
                    await.add(args[i]);
                }
            }
        }
        if (keyFiles) {
            try {
                keyFiles(config != null ? config : SssConfig.defaultPath()).forEach(out::println);
                return 0;
            } catch (ConfigException e) {
                err.println("sss-status: " + e.getMessage());
                return 2;
            }
        }
        SssConfig loaded;
        try {
            loaded = ToolConfig.load(config, null);
        } catch (ConfigException e) {
            err.println("sss-status: " + e.getMessage());
            return 2;
        }
        if (configured) {
            out.println(String.join(" ", configuredComponents(loaded)));
            return 0;
        }
        if (localRing) {
            try {
                localRing(loaded).forEach(out::println);
            } catch (ConfigException e) {
                err.println("sss-status: " + e.getMessage());
                return 2;
            }
            return 0;
        }
        try (SssClient client = SssClient.fromConfig(loaded)) {
            DirectoryClient directory = new DirectoryClient(client, loaded.directoryEndpoint());
            if (await.isEmpty()) {
                print(out, directory.list());
                return 0;
            }
            return awaitAll(directory, await, timeout, out, err);
        } catch (SssException e) {
            err.println("sss-status: service directory at " + loaded.directoryEndpoint() + " unreachable: " + e.getMessage());
            return 1;
        }
    }

    private static int awaitAll(DirectoryClient directory, Set<String> wanted, Duration timeout, PrintStream out,
                                PrintStream err) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "";
        while (true) {
            try {
                List<Location> registered = directory.list();
                Set<String> missing = new LinkedHashSet<>(wanted);
                registered.forEach(location -> missing.remove(location.component()));
                if (missing.isEmpty()) {
                    List<Location> shown = new ArrayList<>();
                    registered.stream().filter(l -> wanted.contains(l.component())).forEach(shown::add);
                    print(out, shown);
                    return 0;
                }
                lastProblem = "not registered: " + String.join(", ", missing);
            } catch (SssException e) {
                lastProblem = "service directory unreachable: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                err.println("sss-status: gave up after " + timeout.toSeconds() + " s; " + lastProblem);
                return 1;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static void print(PrintStream out, List<Location> locations) {
        out.printf("%-20s %-24s %6s  %-10s %s%n", "COMPONENT", "HOST", "PORT", "PROTOCOL", "HTTP");
        for (Location location : locations) {
            out.printf("%-20s %-24s %6s  %-10s %s%n", location.component(), location.host(), location.port(),
                    location.protocol() == null ? "" : location.protocol(),
                    location.httpPort() == null ? "" : "http://" + location.host() + ":" + location.httpPort() + "/");
        }
        for (Location location : locations) {
            if (location.url() != null) {
                out.println(("web".equals(location.component()) ? "Dashboard" : "Page of " + location.component()) + ": "
                        + location.url());
            }
        }
    }
}
