package org.sss.sssjob.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The terminal qsub -I runs on, driven through {@code stty} on its standard input (a JDK has no termios): whether
 * there is one, raw mode (no echo, no line editing, no signals from ^C or ^Z: every key goes to the job's terminal as
 * a byte), its size, and putting it back as it was. Without a terminal (input from a pipe) nothing is changed and the
 * size is 24x80. Not thread-safe, except {@link #size}.
 */
final class LocalTerminal {
    private static final String DEFAULT_SIZE = "24 80";
    private final String saved;

    private LocalTerminal(String saved) {
        this.saved = saved;
    }

    /** @return the terminal on standard input, as it is now, or one that stands for none */
    static LocalTerminal open() {
        String settings = stty("-g");
        return new LocalTerminal(settings == null || settings.isBlank() ? null : settings.strip());
    }

    /** @return whether standard input is a terminal */
    boolean present() {
        return saved != null;
    }

    /** Puts the terminal in raw mode without echo; nothing without one. */
    void raw() {
        if (present()) {
            stty("raw", "-echo");
        }
    }

    /** Puts the terminal back as {@link #open} found it; nothing without one. */
    void restore() {
        if (present()) {
            stty(saved);
        }
    }

    /** @return "ROWS COLS" of the terminal now */
    String size() {
        if (!present()) {
            return DEFAULT_SIZE;
        }
        String size = stty("size");
        return size != null && size.strip().matches("[1-9][0-9]{0,4} [1-9][0-9]{0,4}") ? size.strip() : DEFAULT_SIZE;
    }

    /** @return stty's output, or null if it failed (standard input is no terminal) */
    private static String stty(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
