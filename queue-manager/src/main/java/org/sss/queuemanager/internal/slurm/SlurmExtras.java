package org.sss.queuemanager.internal.slurm;

import java.util.List;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.sss.queuemanager.internal.pbs.BadValueException;
import org.sss.queuemanager.internal.pbs.MailEvent;

/**
 * The values of the sbatch options that map onto what a PBS job already has: {@code --mail-type} onto {@code -m}'s
 * events, {@code --nice} onto {@code -p}'s priority; and the checks of the options this queue manager takes without
 * acting on them ({@code --hint}, {@code --kill-on-invalid-dep=yes}), which a script from a Slurm cluster commonly
 * carries. Stateless.
 */
final class SlurmExtras {
    private static final java.util.regex.Pattern FEATURE =
            java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final String MAIL_TYPES = "NONE, BEGIN, END, FAIL, REQUEUE, ALL, INVALID_DEPEND, STAGE_OUT, "
            + "TIME_LIMIT, TIME_LIMIT_90, TIME_LIMIT_80, TIME_LIMIT_50, ARRAY_TASKS";
    private static final Set<String> HINTS = Set.of("compute_bound", "memory_bound", "multithread", "nomultithread");

    private SlurmExtras() {
    }

    /**
     * @param value {@code --mail-type}'s comma-separated types, as sbatch takes them (any case)
     * @return the PBS mail events they come to: BEGIN begins, END and STAGE_OUT end, FAIL, REQUEUE, INVALID_DEPEND
     *         and the TIME_LIMIT types abort, ALL all three, NONE none (ARRAY_TASKS, which says mail goes per element,
     *         adds none: an element is a job of its own here)
     * @throws BadValueException naming a type sbatch does not know, or an empty item
     */
    static Set<MailEvent> mailEvents(String value) throws BadValueException {
        Set<MailEvent> events = EnumSet.noneOf(MailEvent.class);
        for (String item : value.split(",", -1)) {
            switch (item.strip().toUpperCase(Locale.ROOT)) {
                case "NONE", "ARRAY_TASKS" -> {
                    // no event of its own
                }
                case "BEGIN" -> events.add(MailEvent.BEGIN);
                case "END", "STAGE_OUT" -> events.add(MailEvent.END);
                case "FAIL", "REQUEUE", "INVALID_DEPEND", "TIME_LIMIT", "TIME_LIMIT_90", "TIME_LIMIT_80",
                     "TIME_LIMIT_50" -> events.add(MailEvent.ABORT);
                case "ALL" -> events.addAll(EnumSet.allOf(MailEvent.class));
                case "" -> throw new BadValueException("empty mail type in the list");
                default -> throw new BadValueException("unknown mail type " + item.strip() + " (expected " + MAIL_TYPES
                        + ")");
            }
        }
        return events;
    }

    /**
     * @param value {@code --nice}'s adjustment: a positive one lowers the job's place in line
     * @return the PBS priority it comes to: its negation, within -1024..1023
     * @throws BadValueException if it is not a whole number
     */
    static int priorityOfNice(String value) throws BadValueException {
        if (!value.matches("[+-]?\\d{1,10}")) {
            throw new BadValueException("expected a whole number");
        }
        long nice = Long.parseLong(value);
        return (int) Math.max(-1024, Math.min(1023, -nice));
    }

    /**
     * @param value {@code --exclusive}'s value, or null for none
     * @throws BadValueException for a value sbatch does not know (user, mcs and topo are taken: every job holds its
     *     nodes whole here)
     */
    static void checkExclusive(String value) throws BadValueException {
        if (value != null && !Set.of("user", "mcs", "topo").contains(value)) {
            throw new BadValueException("expected --exclusive, or =user, =mcs or =topo");
        }
    }

    /**
     * @param value {@code --hint}'s value
     * @throws BadValueException for a hint sbatch does not know
     */
    static void checkHint(String value) throws BadValueException {
        if (!HINTS.contains(value)) {
            throw new BadValueException("unknown hint (expected compute_bound, memory_bound, multithread or"
                    + " nomultithread)");
        }
    }

    /**
     * @param value {@code --kill-on-invalid-dep}'s value
     * @throws BadValueException for {@code no} (a job whose dependency can never be met is ended here, as with
     *     {@code yes}), or anything but yes or no
     */
    static void checkKillOnInvalidDependency(String value) throws BadValueException {
        switch (value) {
            case "yes" -> {
                // what every job gets here
            }
            case "no" -> throw new BadValueException("not supported: a job whose dependency can never be met is"
                    + " ended (as with yes)");
            default -> throw new BadValueException("expected yes or no");
        }
    }

    /**
     * @param value {@code --constraint}: one feature, or several that every node must have joined by {@code &}
     *              ({@code gpu&bigmem})
     * @return the features, each once
     * @throws BadValueException for Slurm's other forms (any of, {@code |}; brackets; counts, {@code *}), which
     *     this scheduler does not take, or a name no feature can have
     */
    static List<String> features(String value) throws BadValueException {
        if (value.contains("|") || value.contains("[") || value.contains("*")) {
            throw new BadValueException("only features joined by & (all of them on every node) are supported: not "
                    + "OR lists, brackets or counts");
        }
        java.util.LinkedHashSet<String> features = new java.util.LinkedHashSet<>();
        for (String feature : value.split("&", -1)) {
            String name = feature.strip();
            if (!FEATURE.matcher(name).matches()) {
                throw new BadValueException("bad feature name " + (name.isEmpty() ? "(empty)" : name));
            }
            features.add(name);
        }
        return List.copyOf(features);
    }

    /**
     * GPUs as sbatch asks for them: a count, with an optional type before it.
     *
     * @param count how many (per node, or in all for {@code --gpus})
     * @param type  the GPU type ({@code a100}), matched against the nodes' features; null for any
     */
    record GpuAsk(int count, String type) {
    }

    /**
     * @param value {@code --gres}: {@code gpu}, {@code gpu:N}, {@code gpu:TYPE} or {@code gpu:TYPE:N} (per node); other generic
     *              resources are refused
     * @return the GPUs asked for on each node
     * @throws BadValueException for another resource or form
     */
    static GpuAsk gres(String value) throws BadValueException {
        String[] parts = value.split(":", -1);
        if (value.contains(",") || !parts[0].equals("gpu") || parts.length > 3) {
            throw new BadValueException("only gpu[:TYPE]:COUNT is supported (GPUs on each node)");
        }
        if (parts.length == 1) {
            return new GpuAsk(1, null);
        }
        if (parts.length == 2 && !parts[1].matches("\\d+") && FEATURE.matcher(parts[1]).matches()) {
            return new GpuAsk(1, parts[1]); // gpu:TYPE: one of that type
        }
        return gpus(parts.length == 2 ? parts[1] : parts[1] + ":" + parts[2]);
    }

    /**
     * @param value {@code --gpus-per-node} or {@code --gpus}: {@code N} or {@code TYPE:N}
     * @return the count and type
     * @throws BadValueException for another form, or a count outside 1 to 1024
     */
    static GpuAsk gpus(String value) throws BadValueException {
        String[] parts = value.split(":", -1);
        if (parts.length > 2 || (parts.length == 2 && !FEATURE.matcher(parts[0]).matches())) {
            throw new BadValueException("expected [TYPE:]COUNT");
        }
        String count = parts[parts.length - 1];
        if (!count.matches("\\d{1,4}") || Integer.parseInt(count) < 1 || Integer.parseInt(count) > 1024) {
            throw new BadValueException("the GPU count must be a whole number from 1 to 1024");
        }
        return new GpuAsk(Integer.parseInt(count), parts.length == 2 ? parts[0] : null);
    }
}
