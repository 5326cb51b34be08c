package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sss.sssjob.internal.CliException;

/**
 * Slurm-style command lines read as getopt_long does: short options ({@code -u alice}, {@code -ualice}, bundled flags
 * {@code -hl}), long ones ({@code --user=alice}, {@code --user alice}, abbreviated to any unambiguous prefix), and
 * {@code --} ending the options. Either options and operands mix (squeue, scancel) or the first operand ends the
 * options (sbatch: the script, then its arguments). An option not in the table is refused by name (exit 2).
 */
public final class LongOptions {
    /**
     * One option a command knows.
     *
     * @param longName      its long name without dashes
     * @param letter        its short letter, or {@code 0}
     * @param valued        whether it takes a value
     * @param optionalValue for a flag, whether it may take a value after {@code =} ({@code --nice},
     *                      {@code --nice=10})
     */
    public record Spec(String longName, char letter, boolean valued, boolean optionalValue) {
        /** An option that takes a value, or a flag that takes none. */
        public Spec(String longName, char letter, boolean valued) {
            this(longName, letter, valued, false);
        }
    }

    /**
     * One option as given.
     *
     * @param spec  which
     * @param value its value, or null for a flag
     */
    public record Given(Spec spec, String value) {
        /** @return the option's long name */
        public String name() {
            return spec.longName();
        }
    }

    /**
     * @param options  the options in order
     * @param operands the other words
     */
    public record Parsed(List<Given> options, List<String> operands) {
    }

    private LongOptions() {
    }

    /**
     * @param specs              the options the command knows
     * @param args               the words
     * @param stopAtFirstOperand whether the first operand ends the options (the rest are operands)
     * @return them read
     * @throws CliException (exit 2) for an unknown or ambiguous option, a missing value, or a value given to a flag
     */
    public static Parsed parse(List<Spec> specs, List<String> args, boolean stopAtFirstOperand) throws CliException {
        List<Given> options = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (word.startsWith("--")) {
                int equals = word.indexOf('=');
                String name = equals < 0 ? word.substring(2) : word.substring(2, equals);
                Spec spec = byLongName(specs, name);
                String value = null;
                if (spec.valued()) {
                    if (equals >= 0) {
                        value = word.substring(equals + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw CliException.usage("option --" + spec.longName() + " needs a value");
                    }
                } else if (equals >= 0 && spec.optionalValue()) {
                    value = word.substring(equals + 1);
                } else if (equals >= 0) {
                    throw CliException.usage("option --" + spec.longName() + " takes no value");
                }
                options.add(new Given(spec, value));
            } else if (word.startsWith("-") && word.length() > 1) {
                int at = 1;
                while (at < word.length()) {
                    char letter = word.charAt(at++);
                    Spec spec = specs.stream().filter(s -> s.letter() == letter && letter != 0).findFirst()
                            .orElseThrow(() -> CliException.usage("unrecognized option -" + letter));
                    if (!spec.valued()) {
                        options.add(new Given(spec, null));
                        continue;
                    }
                    String value;
                    if (at < word.length()) {
                        value = word.substring(at);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw CliException.usage("option -" + letter + " needs a value");
                    }
                    options.add(new Given(spec, value));
                    break;
                }
            } else if (stopAtFirstOperand) {
                operands.addAll(args.subList(i, args.size()));
                break;
            } else {
                operands.add(word);
            }
        }
        return new Parsed(List.copyOf(options), List.copyOf(operands));
    }

    private static Spec byLongName(List<Spec> specs, String name) throws CliException {
        List<Spec> prefixed = new ArrayList<>();
        for (Spec spec : specs) {
            if (spec.longName().equals(name)) {
                return spec;
            }
            if (!name.isEmpty() && spec.longName().startsWith(name)) {
                prefixed.add(spec);
            }
        }
        if (prefixed.size() == 1) {
            return prefixed.getFirst();
        }
        if (prefixed.size() > 1) {
            throw CliException.usage("option --" + name + " is ambiguous (--" + String.join(", --",
                    prefixed.stream().map(Spec::longName).toList()) + ")");
        }
        throw CliException.usage("unrecognized option --" + name);
    }

    /**
     * @param parsed the options
     * @param name   a long name
     * @return the last value given for it
     */
    public static Optional<String> last(Parsed parsed, String name) {
        String value = null;
        for (Given given : parsed.options()) {
            if (given.name().equals(name)) {
                value = given.value() == null ? "" : given.value();
            }
        }
        return Optional.ofNullable(value);
    }
}
