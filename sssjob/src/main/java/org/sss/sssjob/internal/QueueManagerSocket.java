package org.sss.sssjob.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Where the queue manager's Unix-domain socket is, in this order: the {@code --socket} option, the environment
 * variable {@code SSS_QM_SOCKET}, else the suite's configuration ({@code SSS_CONFIG}, else
 * {@code $SSS_HOME/etc/sss.xml}): its {@code <queue-manager socket="…">} (default {@code run/queue-manager.sock})
 * under its {@code var} directory (default {@code ../var}), relative paths being relative to the file's directory,
 * as the components read them. Only those two attributes are read (with a hardened StAX reader), so that the
 * command line needs no XML binding.
 */
public final class QueueManagerSocket {
    private static final String DEFAULT_SOCKET = "run/queue-manager.sock";
    private static final String DEFAULT_VAR = "../var";

    private QueueManagerSocket() {
    }

    /**
     * @param option      the {@code --socket} value, or {@code null}
     * @param environment the process environment
     * @return the socket's path
     * @throws CliException (exit 2) if no configuration can be found or read, or it has no queue manager
     */
    public static Path locate(String option, Map<String, String> environment) throws CliException {
        if (option != null) {
            return Path.of(option).toAbsolutePath();
        }
        String fromEnv = environment.get("SSS_QM_SOCKET");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        Path config;
        String configured = environment.get("SSS_CONFIG");
        if (configured != null && !configured.isBlank()) {
            config = Path.of(configured);
        } else {
            String home = System.getProperty("sss.home", environment.get("SSS_HOME"));
            if (home == null || home.isBlank()) {
                throw CliException.usage("cannot find the queue manager: give --socket PATH, or set SSS_QM_SOCKET or "
                        + "SSS_CONFIG");
            }
            config = Path.of(home, "etc", "sss.xml");
        }
        return fromConfig(config.toAbsolutePath());
    }

    /**
     * @param config a suite configuration file
     * @return its queue manager's socket
     * @throws CliException (exit 2) if the file cannot be read or has no {@code <queue-manager>}
     */
    static Path fromConfig(Path config) throws CliException {
        String var = DEFAULT_VAR;
        String socket = null;
        try (InputStream in = Files.newInputStream(config)) {
            XMLStreamReader reader = Xml.inputFactory().createXMLStreamReader(in);
            try {
                int depth = 0;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        depth++;
                        String name = reader.getLocalName();
                        if (depth == 1 && name.equals("sss")) {
                            var = attribute(reader, "var", DEFAULT_VAR);
                        } else if (depth == 2 && name.equals("queue-manager")) {
                            socket = attribute(reader, "socket", DEFAULT_SOCKET);
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (IOException e) {
            throw CliException.usage("cannot read the configuration " + config + ": " + e.getMessage());
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
            throw CliException.usage(config + ":" + line + ": not a readable configuration: " + Xml.firstLine(e));
        }
        if (socket == null) {
            throw CliException.usage(config + " configures no <queue-manager>; give --socket PATH or set SSS_QM_SOCKET");
        }
        Path base = config.getParent();
        return base.resolve(var).resolve(socket).normalize();
    }

    private static String attribute(XMLStreamReader reader, String name, String fallback) {
        String value = reader.getAttributeValue(null, name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
