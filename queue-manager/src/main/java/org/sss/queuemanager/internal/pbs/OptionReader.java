package org.sss.queuemanager.internal.pbs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads qsub options from one source, the command line or all the {@code #PBS} directives of a script, into one
 * request. Options are read as getopt does: {@code -V} and {@code -h} are flags and may be bundled ({@code -hV}); every
 * other option takes a value, either the rest of its word ({@code -Nname}) or the next word, even one starting with
 * {@code -} ({@code -p -5}). A later option replaces an earlier one, except that each {@code -l} resource and each
 * {@code -v} variable counts separately. Within one source the node shape may be spelled only one way
 * ({@code nodes}, {@code select} or {@code ncpus}). {@code -I} (interactive) is accepted on the command line only: the
 * script qsub -I sends is what makes the job interactive (it relays a terminal, see sss-pty), the queue manager
 * queues and runs it as any other; {@code -X} (X11 forwarding) is refused. Not thread-safe; use one reader per
 * source.
 */
final class OptionReader {
    private static final String FLAGS = "Vh";
    private static final String VALUED = "aAeojJlmMNpqrStvW";
    private final JobRequest.Builder request = new JobRequest.Builder();
    private final Map<String, String> environment;
    private String shapeSpelling;

    /** @param environment the submitter's environment, for {@code -v NAME} without a value */
    OptionReader(Map<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * @param words  the options, split into words, without the script path
     * @param source where they come from, for messages
     * @throws PbsException naming the first option that is unknown, lacks its value or has a bad one, or the first
     *     word that is no option
     */
    void read(List<String> words, Source source) throws PbsException {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.length() < 2 || word.charAt(0) != '-') {
                throw source.unexpected(word);
            }
            int at = 1;
            while (at < word.length()) {
                int letter = word.codePointAt(at);
                at += Character.charCount(letter);
                String option = "-" + Character.toString(letter);
                if (FLAGS.indexOf(letter) >= 0) {
                    flag(letter);
                } else if (letter == 'I') {
                    if (!source.isCommandLine()) {
                        throw source.bad(option, option, "an interactive job is asked for on qsub's command line"
                                + " (qsub -I), not in a script");
                    }
                } else if (letter == 'X') {
                    throw source.bad(option, option, "X11 forwarding is not supported: an interactive job gets a"
                            + " terminal, not a display");
                } else if (VALUED.indexOf(letter) < 0) {
                    throw source.unknown(option);
                } else {
                    String value;
                    if (at < word.length()) {
                        value = word.substring(at);
                    } else if (i + 1 < words.size()) {
                        value = words.get(++i);
                    } else {
                        throw source.missingValue(option);
                    }
                    option((char) letter, value, source);
                    break;
                }
            }
        }
    }

    /** @return what the options read so far give */
    JobRequest request() {
        return request.build();
    }

    private void flag(int letter) {
        if (letter == 'V') {
            request.exportAll();
        } else {
            request.hold();
        }
    }

    private void option(char letter, String value, Source source) throws PbsException {
        switch (letter) {
            case 'l' -> resources(value, source);
            case 'W' -> attribute(value, source);
            default -> {
                String option = "-" + letter;
                try {
                    simple(letter, value);
                } catch (BadValueException e) {
                    throw source.bad(option, option + " " + Source.show(value), e.getMessage());
                }
            }
        }
    }

    private void simple(char letter, String value) throws BadValueException {
        switch (letter) {
            case 'A' -> request.account(Attributes.account(value));
            case 'e' -> request.errorPath(Attributes.path(value));
            case 'o' -> request.outputPath(Attributes.path(value));
            case 'j' -> request.join(Attributes.join(value));
            case 'm' -> request.mailEvents(Attributes.mailEvents(value));
            case 'M' -> request.mailUsers(Attributes.mailUsers(value));
            case 'N' -> request.name(Attributes.name(value));
            case 'p' -> request.priority(Attributes.priority(value));
            case 'q' -> request.queue(Attributes.queue(value));
            case 'r' -> request.rerunnable(Attributes.rerunnable(value));
            case 'S' -> request.shell(Attributes.shell(value));
            case 'a' -> request.begin(BeginTime.ofPbs(value, java.time.ZonedDateTime.now()));
            case 't', 'J' -> request.array(ArraySpec.parse(value)); // Torque's -t, PBS Pro's -J

            case 'v' -> Attributes.variables(value, environment).forEach(request::variable);
            default -> throw new IllegalStateException("no handler for -" + letter);
        }
    }

    private void resources(String value, Source source) throws PbsException {
        if (value.isEmpty()) {
            throw source.bad("-l", "-l " + Source.show(value), "empty resource list");
        }
        for (String item : value.split(",", -1)) {
            if (item.isEmpty()) {
                throw source.bad("-l", "-l " + Source.show(value), "empty resource in the list");
            }
            int equals = item.indexOf('=');
            String name = (equals < 0 ? item : item.substring(0, equals)).toLowerCase(Locale.ROOT);
            try {
                resource(name, equals < 0 ? null : item.substring(equals + 1));
            } catch (BadValueException e) {
                throw source.bad("-l " + name, "-l " + Source.show(item), e.getMessage());
            }
        }
    }

    private void resource(String name, String value) throws BadValueException {
        if (!List.of("nodes", "select", "ncpus", "walltime", "cput", "mem", "pmem", "vmem", "advres", "qos").contains(name)) {
            throw new BadValueException("unknown resource");
        }
        if (value == null) {
            throw new BadValueException("expected " + name + "=VALUE");
        }
        switch (name) {
            case "nodes" -> shape(name, Resources.nodes(value));
            case "select" -> shape(name, Resources.select(value));
            case "ncpus" -> shape(name, Resources.ncpus(value));
            case "walltime" -> request.walltime(Walltime.parse(value));
            case "cput" -> request.cputime(Walltime.parse(value));
            case "pmem" -> request.processMemory(Resources.bytes(value));
            case "vmem" -> request.virtualMemory(Resources.bytes(value));
            case "advres" -> request.reservation(value.isEmpty() ? "" : Attributes.reservation(value));
            case "qos" -> request.qos(value.isEmpty() ? "" : Attributes.qos(value));
            default -> request.memory(Resources.bytes(value));
        }
    }

    private void shape(String spelling, NodeShape shape) throws BadValueException {
        if (shapeSpelling != null && !shapeSpelling.equals(spelling)) {
            throw new BadValueException("cannot be combined with " + shapeSpelling);
        }
        shapeSpelling = spelling;
        request.nodes(shape);
    }

    private void attribute(String value, Source source) throws PbsException {
        int equals = value.indexOf('=');
        String attribute = equals < 0 ? value : value.substring(0, equals);
        String shown = "-W " + Source.show(value);
        if (attribute.equals("exclude") && equals >= 0) {
            try {
                String names = value.substring(equals + 1);
                request.excludedNodes(names.isEmpty() ? List.of() : HostListExpansion.nodeNames(names));
            } catch (BadValueException e) {
                throw source.bad("-W exclude", shown, e.getMessage());
            }
            return;
        }
        if (!attribute.equals("depend")) {
            throw source.bad("-W " + attribute, shown, "unsupported attribute");
        }
        if (equals < 0) {
            throw source.bad("-W depend", shown, "expected depend=TYPE:JOB[:JOB...]");
        }
        try {
            request.dependencies(Dependency.parseList(value.substring(equals + 1)));
        } catch (BadValueException e) {
            throw source.bad("-W depend", shown, e.getMessage());
        }
    }
}
