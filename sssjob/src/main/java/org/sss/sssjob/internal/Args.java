package org.sss.sssjob.internal;

import java.util.List;

/** Small helpers for reading command-line words. */
final class Args {
    private Args() {
    }

    /**
     * @param args   the words
     * @param i      where an option's value should be
     * @param option the option, for the message
     * @return the value
     * @throws CliException (exit 2) if the words ended
     */
    static String value(List<String> args, int i, String option) throws CliException {
        if (i >= args.size()) {
            throw CliException.usage(option + " needs a value");
        }
        return args.get(i);
    }
}
