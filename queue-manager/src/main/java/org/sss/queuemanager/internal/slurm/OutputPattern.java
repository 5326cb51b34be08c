package org.sss.queuemanager.internal.slurm;

import org.sss.queuemanager.internal.pbs.BadValueException;

/**
 * sbatch's {@code -o}/{@code -e} file name patterns: {@code %j} the job id, {@code %A} the array's id, {@code %a} the
 * array index, {@code %x} the job name, {@code %u} the user and {@code %%} a percent sign; a number between
 * {@code %} and the letter pads numbers with zeros to that width ({@code %4a} gives {@code 0007}). Other letters
 * ({@code %N}, {@code %s}, {@code %t}, which name nodes and steps the queue manager does not know at submit time) are
 * refused. Stateless.
 */
public final class OutputPattern {
    /** Slurm's {@code %a} (and {@code SLURM_ARRAY_TASK_ID}'s absence) for a job that is not in an array. */
    public static final String NO_ARRAY_INDEX = "4294967294";

    private OutputPattern() {
    }

    /**
     * What a job's pattern replaces.
     *
     * @param jobId      {@code %j}
     * @param arrayJobId {@code %A}
     * @param arrayIndex {@code %a}
     * @param name       {@code %x}
     * @param user       {@code %u}
     */
    public record Fields(String jobId, String arrayJobId, String arrayIndex, String name, String user) {
    }

    /**
     * @param pattern a {@code -o} or {@code -e} value
     * @return it, when every {@code %} sequence is one this class replaces
     * @throws BadValueException naming the first unsupported one, or for an empty pattern or a control character
     */
    static String check(String pattern) throws BadValueException {
        if (pattern.isEmpty() || pattern.chars().anyMatch(Character::isISOControl)) {
            throw new BadValueException("expected a file name pattern");
        }
        substitute(pattern, new Fields("1", "1", "1", "x", "u"));
        return pattern;
    }

    /**
     * @param pattern a checked pattern
     * @param fields  the job's values
     * @return the file name
     * @throws BadValueException for an unsupported {@code %} sequence
     */
    public static String substitute(String pattern, Fields fields) throws BadValueException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int widthStart = i;
            while (i < pattern.length() && Character.isDigit(pattern.charAt(i)) && i - widthStart < 2) {
                i++;
            }
            int width = i > widthStart ? Integer.parseInt(pattern.substring(widthStart, i)) : 0;
            if (i >= pattern.length()) {
                throw new BadValueException("% at the end of the pattern (write %% for a percent sign)");
            }
            char letter = pattern.charAt(i++);
            switch (letter) {
                case '%' -> out.append('%');
                case 'j' -> out.append(pad(fields.jobId(), width));
                case 'A' -> out.append(pad(fields.arrayJobId(), width));
                case 'a' -> out.append(pad(fields.arrayIndex(), width));
                case 'x' -> out.append(fields.name());
                case 'u' -> out.append(fields.user());
                default -> throw new BadValueException("%" + letter + " is not supported in file names "
                        + "(supported: %j %A %a %x %u %%)");
            }
        }
        return out.toString();
    }

    private static String pad(String value, int width) {
        if (value.length() >= width || !value.chars().allMatch(Character::isDigit)) {
            return value;
        }
        return "0".repeat(width - value.length()) + value;
    }
}
