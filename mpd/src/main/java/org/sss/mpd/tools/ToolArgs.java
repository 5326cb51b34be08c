package org.sss.mpd.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options every mpd tool takes ({@code --mpd ADDR:PORT}, {@code --secret FILE}, {@code --help}) and the
 * remaining arguments. Exit status conventions of the tools: 0 success, 1 failure, 2 usage error.
 *
 * @param mpd       the {@code --mpd} value or null
 * @param secret    the {@code --secret} value or null
 * @param help      whether help was asked for
 * @param remaining the other arguments, in order
 */
record ToolArgs(String mpd, Path secret, boolean help, List<String> remaining) {
    /**
     * Parses the common options; a malformed one ends the program with a one-line message and exit status 2.
     *
     * @param tool the tool's name, for the message
     * @param args the command line
     * @return the options
     */
    static ToolArgs parse(String tool, String[] args) {
        try {
            return parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(tool + ": " + e.getMessage() + " (try --help)");
            System.exit(2);
            throw e;
        }
    }

    static ToolArgs parse(String[] args) {
        String mpd = null;
        Path secret = null;
        boolean help = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mpd" -> mpd = value(args, ++i, "--mpd");
                case "--secret" -> secret = Path.of(value(args, ++i, "--secret"));
                case "--help", "-h" -> help = true;
                default -> rest.add(args[i]);
            }
        }
        return new ToolArgs(mpd, secret, help, List.copyOf(rest));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    static final String COMMON = "  --mpd ADDR:PORT   the mpd to ask (default: $MPD_CONSOLE, else the file mpdboot writes)\n"
            + "  --secret FILE     the ring's secret (default: $MPD_CONF_FILE, else ~/.mpd.conf)";
}
