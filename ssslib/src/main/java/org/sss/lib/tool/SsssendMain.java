package org.sss.lib.tool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.sss.lib.client.DirectoryClient;
import org.sss.lib.client.SssClient;
import org.sss.lib.config.ConfigException;
import org.sss.lib.config.SssConfig;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.ComponentMain;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.SSSError;

/**
 * {@code ssssend}: sends one XML message to a component and prints the reply.
 *
 * <p>The message is sent as given (the component validates it), so it can carry anything, including what a
 * component must refuse. The component is found through the service directory, or addressed directly with
 * {@code --host} and {@code --port}. Exit status: 0 on a reply, 1 on an {@code <error>} reply, 2 on a usage,
 * configuration or connection failure.
 */
public final class SsssendMain {
    private static final int EXIT_REPLY = 0;
    private static final int EXIT_ERROR_REPLY = 1;
    private static final int EXIT_FAILURE = 2;

    private SsssendMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ComponentMain.logLevel("warn");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        String key = null;
        String host = null;
        Integer port = null;
        String component = null;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            try {
                switch (arg) {
                    case "--help", "-h" -> {
                        usage(out);
                        return EXIT_REPLY;
                    }
                    case "--config", "-c" -> config = Path.of(value(args, ++i, arg));
                    case "--key" -> key = value(args, ++i, arg);
                    case "--host" -> host = value(args, ++i, arg);
                    case "--port" -> port = Integer.parseInt(value(args, ++i, arg));
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (host == null && component == null) {
                            component = arg;
                        } else if (file == null) {
                            file = arg;
                        } else {
                            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                err.println("ssssend: " + e.getMessage() + " (try --help)");
                return EXIT_FAILURE;
            }
        }
        if (file == null && component != null && host != null) {
            file = component;
            component = null;
        }
        if (file == null || (component == null) == (host == null) || (host != null) != (port != null)) {
            err.println("ssssend: give COMPONENT FILE, or --host H --port P FILE (try --help)");
            return EXIT_FAILURE;
        }
        byte[] message;
        try {
            message = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            err.println("ssssend: " + file + ": no such file");
            return EXIT_FAILURE;
        } catch (IOException e) {
            err.println("ssssend: cannot read " + file + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        if (message.length == 0) {
            err.println("ssssend: the message is empty");
            return EXIT_FAILURE;
        }
        SssConfig loaded;
        try {
            loaded = ToolConfig.load(config, key);
        } catch (ConfigException e) {
            err.println("ssssend: " + e.getMessage());
            return EXIT_FAILURE;
        }
        try (SssClient client = SssClient.fromConfig(loaded)) {
            Endpoint endpoint = host != null ? new Endpoint(host, port)
                    : new DirectoryClient(client, loaded.directoryEndpoint()).locate(component);
            byte[] reply = client.exchange(endpoint, message);
            out.println(new String(reply, StandardCharsets.UTF_8));
            return isError(client.codec(), reply) ? EXIT_ERROR_REPLY : EXIT_REPLY;
        } catch (SssException | IllegalArgumentException e) {
            err.println("ssssend: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    private static boolean isError(MessageCodec codec, byte[] reply) {
        try {
            return MessageCodec.value(codec.decode(reply)) instanceof SSSError;
        } catch (SssException e) {
            return new String(reply, StandardCharsets.UTF_8).stripLeading().startsWith("<error");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static void usage(PrintStream out) {
        out.println("usage: ssssend [--config FILE] [--key NAME] COMPONENT FILE|-");
        out.println("       ssssend [--config FILE] [--key NAME] --host HOST --port PORT FILE|-");
        out.println("Sends one XML message (from FILE, or standard input for -) to an SSS component and prints the reply.");
        out.println();
        out.println("  COMPONENT      found through the service directory named in the configuration");
        out.println("  --host, --port address the component directly");
        out.println("  --config FILE  configuration (default: $SSS_CONFIG, else $SSS_HOME/etc/sss.xml, else ./etc/sss.xml)");
        out.println("  --key NAME     present this key of the configuration instead of security/@client-key");
        out.println();
        out.println("Exit status: 0 reply, 1 <error> reply, 2 usage, configuration or connection failure.");
    }
}
