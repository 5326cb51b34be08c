package org.sss.sssjob.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * qsub-style arguments split as getopt would: options first (flags may be bundled, {@code -hV}; a valued option
 * takes the rest of its word or the next word), then operands. The options are passed on to the queue manager
 * unread — it alone decides what they mean and refuses bad ones — except {@code -z} (do not print the job id),
 * which only the command line uses, and {@code --socket PATH}. {@code --} ends the options.
 *
 * @param options    the qsub options, one token each, for the request
 * @param operands   the words after the options (the script; job ids for qalter; after {@code --}, PBS Pro's
 *                   program and its arguments, or a script)
 * @param quiet      whether {@code -z} was given
 * @param socket     the {@code --socket} value, or {@code null}
 * @param help       whether {@code --help} was given
 * @param doubleDash whether {@code --} ended the options
 */
public record QsubArgs(List<String> options, List<String> operands, boolean quiet, String socket, boolean help,
                       boolean doubleDash) {
    /** Options that take a value (those of qsub and qalter); every other letter is a flag. */
    private static final String VALUED = "aAceojJlmMNpqrStuvWPC";

    /** Copies the lists. */
    public QsubArgs {
        options = List.copyOf(options);
        operands = List.copyOf(operands);
    }

    /**
     * @param args the command's arguments
     * @return them split
     * @throws CliException (exit 2) for a valued option at the end without its value
     */
    public static QsubArgs parse(List<String> args) throws CliException {
        List<String> options = new ArrayList<>();
        boolean quiet = false;
        boolean help = false;
        String socket = null;
        boolean doubleDash = false;
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            if (word.equals("--")) {
                doubleDash = true;
                i++;
                break;
            }
            if (word.equals("--help")) {
                help = true;
                i++;
                continue;
            }
            if (word.equals("--socket") || word.startsWith("--socket=")) {
                if (word.length() > "--socket".length()) {
                    socket = word.substring("--socket=".length());
                } else if (i + 1 < args.size()) {
                    socket = args.get(++i);
                } else {
                    throw CliException.usage("--socket needs a path");
                }
                i++;
                continue;
            }
            if (word.startsWith("--")) {
                throw CliException.usage("unknown option " + word);
            }
            if (word.length() < 2 || word.charAt(0) != '-') {
                break;
            }
            StringBuilder flags = new StringBuilder();
            int at = 1;
            while (at < word.length()) {
                char letter = word.charAt(at++);
                if (letter == 'z') {
                    quiet = true;
                } else if (VALUED.indexOf(letter) < 0) {
                    flags.append(letter);
                } else {
                    flushFlags(options, flags);
                    options.add("-" + letter);
                    if (at < word.length()) {
                        options.add(word.substring(at));
                    } else if (i + 1 < args.size()) {
                        options.add(args.get(++i));
                    } else {
                        throw CliException.usage("option -" + letter + " needs a value");
                    }
                    break;
                }
            }
            flushFlags(options, flags);
            i++;
        }
        return new QsubArgs(options, args.subList(i, args.size()), quiet, socket, help, doubleDash);
    }

    /**
     * @param letter a flag's letter
     * @return whether the options hold that flag, alone or bundled ({@code -IV})
     */
    public boolean hasFlag(char letter) {
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.length() == 2 && VALUED.indexOf(option.charAt(1)) >= 0) {
                i++;
            } else if (option.indexOf(letter, 1) > 0) {
                return true;
            }
        }
        return false;
    }

    private static void flushFlags(List<String> options, StringBuilder flags) {
        if (!flags.isEmpty()) {
            options.add("-" + flags);
            flags.setLength(0);
        }
    }
}
