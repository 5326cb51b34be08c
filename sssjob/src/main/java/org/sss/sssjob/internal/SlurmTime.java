package org.sss.sssjob.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time limit as srun's and salloc's {@code -t} take it — {@code MINUTES}, {@code MINUTES:SECONDS},
 * {@code HOURS:MINUTES:SECONDS}, {@code DAYS-HOURS}, {@code DAYS-HOURS:MINUTES}, {@code DAYS-HOURS:MINUTES:SECONDS}
 * — turned into the PBS walltime {@code HH:MM:SS} the queue manager reads. A bare number is minutes, as in Slurm
 * (PBS would read seconds).
 */
final class SlurmTime {
    private static final Pattern FORM = Pattern.compile(
            "(?:(\\d{1,4})-(\\d{1,4})(?::(\\d{1,4}))?(?::(\\d{1,4}))?)|(?:(\\d{1,7})(?::(\\d{1,4}))?(?::(\\d{1,4}))?)");

    private SlurmTime() {
    }

    /**
     * @param text the value of {@code -t}
     * @return {@code HH:MM:SS}
     * @throws CliException (exit 2) for any other form
     */
    static String toPbs(String text) throws CliException {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw CliException.usage("-t takes MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS or DAYS-HOURS[:MINUTES"
                    + "[:SECONDS]], not '" + text + "'");
        }
        long seconds;
        if (m.group(1) != null) {
            seconds = num(m.group(1)) * 86_400 + num(m.group(2)) * 3600 + num(m.group(3)) * 60 + num(m.group(4));
        } else if (m.group(7) != null) {
            seconds = num(m.group(5)) * 3600 + num(m.group(6)) * 60 + num(m.group(7));
        } else {
            seconds = num(m.group(5)) * 60 + num(m.group(6));
        }
        if (seconds <= 0) {
            throw CliException.usage("-t " + text + " is no time at all");
        }
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static long num(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }
}
