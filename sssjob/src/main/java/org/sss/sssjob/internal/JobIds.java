package org.sss.sssjob.internal;

import java.util.regex.Pattern;

/** Job ids as users type them: {@code 17}, {@code 17[3]}, {@code 17[]}, each optionally with a {@code .host} suffix. */
final class JobIds {
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}(\\[[0-9]{0,9}\\])?(\\.[A-Za-z0-9_.\\-]{1,255})?");

    private JobIds() {
    }

    /**
     * @param word a command-line word
     * @return it, if it is a job id
     * @throws CliException (exit 2) if it is not
     */
    static String check(String word) throws CliException {
        if (!ID.matcher(word).matches()) {
            throw CliException.usage(word + ": not a job id (17, 17[3], 17[] or 17.host)");
        }
        return word;
    }
}
