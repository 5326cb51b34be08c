package org.sss.sssjob.internal.slurm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/**
 * squeue's {@code -o/--format}: text with {@code %[.][WIDTH]FIELD} items; WIDTH pads (and cuts) the field to that
 * many characters, left-justified (also written {@code %-WIDTH}), or right-justified with the {@code .}. Fields: {@code %i} id, {@code %j} name,
 * {@code %u} user, {@code %t} state code, {@code %T} state, {@code %M} time used, {@code %l} time limit, {@code %D}
 * nodes, {@code %R} node list or (reason), {@code %P} partition, {@code %N} node list, {@code %C} cpus, {@code %V}
 * submit time, {@code %S} start time, {@code %r} reason, {@code %a} account, {@code %A} array job id (the job's own
 * for a job not in an array), {@code %%} a percent sign. Another field letter is refused by name.
 */
final class SqueueFormat {
    /** squeue's default format. */
    static final String DEFAULT = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
    private final List<Item> items;

    private record Item(String text, char field, int width, boolean right) {
    }

    private SqueueFormat(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * @param format a format string
     * @return it, read
     * @throws CliException (exit 2) naming an unsupported field
     */
    static SqueueFormat parse(String format) throws CliException {
        List<Item> items = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                text.append(c);
                continue;
            }
            boolean right = i < format.length() && format.charAt(i) == '.';
            if (right || i < format.length() && format.charAt(i) == '-') {
                i++;
            }
            int start = i;
            while (i < format.length() && Character.isDigit(format.charAt(i)) && i - start < 4) {
                i++;
            }
            int width = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            if (i >= format.length()) {
                throw CliException.usage("--format: % at the end of the format");
            }
            char field = format.charAt(i++);
            if (field == '%') {
                text.append('%');
                continue;
            }
            if ("ijutTMlDRPNCVSraAnxf".indexOf(field) < 0) {
                throw CliException.usage("--format: field %" + field + " is not supported (supported: "
                        + "%i %j %u %t %T %M %l %D %R %P %N %C %V %S %r %a %A %n %x %f)");
            }
            items.add(new Item(text.toString(), '\0', 0, false));
            text.setLength(0);
            items.add(new Item("", field, width, right));
        }
        items.add(new Item(text.toString(), '\0', 0, false));
        return new SqueueFormat(items);
    }

    /** @return the header line */
    String header() {
        StringBuilder out = new StringBuilder();
        for (Item item : items) {
            out.append(item.field() == '\0' ? item.text() : cell(title(item.field()), item));
        }
        return out.toString().stripTrailing();
    }

    /**
     * @param job a job
     * @param now the time
     * @return its line
     */
    String line(Job job, Instant now) {
        StringBuilder out = new StringBuilder();
        for (Item item : items) {
            out.append(item.field() == '\0' ? item.text() : cell(value(item.field(), job, now), item));
        }
        return out.toString().stripTrailing();
    }

    private static String cell(String value, Item item) {
        if (item.width() == 0) {
            return value;
        }
        String cut = value.length() > item.width() ? value.substring(0, item.width()) : value;
        String pad = " ".repeat(item.width() - cut.length());
        return item.right() ? pad + cut : cut + pad;
    }

    private static String title(char field) {
        return switch (field) {
            case 'i' -> "JOBID";
            case 'j' -> "NAME";
            case 'u' -> "USER";
            case 't' -> "ST";
            case 'T' -> "STATE";
            case 'M' -> "TIME";
            case 'l' -> "TIME_LIMIT";
            case 'D' -> "NODES";
            case 'R' -> "NODELIST(REASON)";
            case 'P' -> "PARTITION";
            case 'N' -> "NODELIST";
            case 'C' -> "CPUS";
            case 'V' -> "SUBMIT_TIME";
            case 'S' -> "START_TIME";
            case 'r' -> "REASON";
            case 'a' -> "ACCOUNT";
            case 'A' -> "ARRAY_JOB_ID";
            case 'n' -> "REQ_NODES";
            case 'x' -> "EXC_NODES";
            case 'f' -> "FEATURES";
            default -> throw new IllegalStateException("no title for %" + field);
        };
    }

    private static String value(char field, Job job, Instant now) {
        return switch (field) {
            case 'i' -> SlurmJobs.id(job);
            case 'j' -> job.get("name");
            case 'u' -> job.get("user");
            case 't' -> SlurmJobs.code(job);
            case 'T' -> SlurmJobs.state(job);
            case 'M' -> SlurmJobs.elapsed(job, now);
            case 'l' -> SlurmTimes.limit(number(job.get("walltime")));
            case 'D' -> job.get("nodes");
            case 'R' -> job.state().equals("queued") || job.state().equals("held")
                    ? "(" + SlurmJobs.reason(job) + ")" : SlurmJobs.nodeList(job);
            case 'P' -> job.get("queue");
            case 'N' -> SlurmJobs.nodeList(job);
            case 'C' -> String.valueOf(number(job.get("nodes")) * number(job.get("ppn")));
            case 'V' -> SlurmJobs.time(job, "submitted");
            case 'S' -> SlurmJobs.time(job, "started");
            case 'r' -> SlurmJobs.reason(job);
            case 'a' -> job.get("account").isEmpty() ? "(null)" : job.get("account");
            case 'A' -> String.valueOf(SlurmJobs.sequence(job));
            case 'n' -> SlurmJobs.compressed(job, "required-nodes");
            case 'x' -> SlurmJobs.compressed(job, "excluded-nodes");
            case 'f' -> job.get("features").isBlank() ? "(null)" : String.join("&", job.get("features").strip().split("\\s+"));
            default -> throw new IllegalStateException("no value for %" + field);
        };
    }

    private static long number(String text) {
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
