package org.sss.queuemanager.internal.pbs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and converts the values of the qsub options other than {@code -l}, {@code -t} and {@code -W}; each method
 * takes the value as typed and gives the attribute, or refuses it with the reason alone. Stateless.
 */
public final class Attributes {
    /** The longest job name accepted. */
    static final int MAX_NAME = 236;
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern HOST_PREFIX = Pattern.compile("^[^/:]+:");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    private static final Pattern PRIORITY = Pattern.compile("[+-]?\\d{1,5}");

    private Attributes() {
    }

    /**
     * @param value a word given as a node's name
     * @return whether it can be one: a host's name (letters, digits, dots, dashes, underscores; not starting with a
     *     dot or dash; at most 255 characters)
     */
    public static boolean isNodeName(String value) {
        return NODE_NAME.matcher(value).matches();
    }

    /**
     * @param value the {@code -N} value
     * @return it, once checked
     * @throws BadValueException if it is empty, longer than {@value #MAX_NAME} characters, or holds whitespace, a
     *     {@code /} or a control character
     */
    public static String name(String value) throws BadValueException {
        if (value.isEmpty()) {
            throw new BadValueException("job name must not be empty");
        }
        if (value.length() > MAX_NAME) {
            throw new BadValueException("job name must be at most " + MAX_NAME + " characters");
        }
        if (value.chars().anyMatch(Character::isWhitespace)) {
            throw new BadValueException("job name must not contain whitespace");
        }
        if (value.indexOf('/') >= 0) {
            throw new BadValueException("job name must not contain /");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new BadValueException("job name must not contain control characters");
        }
        return value;
    }

    /**
     * @param scriptName the script's file name or path, possibly empty
     * @return the job name qsub gives a job without {@code -N}: the script's base name, whitespace and control
     *     characters replaced by {@code _}, cut to {@value #MAX_NAME} characters; {@code STDIN} when that is empty
     */
    public static String defaultName(String scriptName) {
        String base = scriptName.substring(scriptName.lastIndexOf('/') + 1);
        StringBuilder name = new StringBuilder();
        base.codePoints().forEach(c -> name.appendCodePoint(
                Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c));
        if (name.isEmpty()) {
            return "STDIN";
        }
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name.toString();
    }

    /**
     * @param value the {@code -q} value
     * @return it, once checked
     * @throws BadValueException unless it is 1 to 64 letters, digits, {@code _}, {@code .} or {@code -} (not
     *     starting with {@code .} or {@code -}); {@code queue@server} is refused as unsupported
     */
    public static String queue(String value) throws BadValueException {
        if (value.indexOf('@') >= 0) {
            throw new BadValueException("a server in the queue name is not supported");
        }
        if (!QUEUE.matcher(value).matches()) {
            throw new BadValueException("queue name must be 1 to 64 letters, digits, underscores, dots or dashes");
        }
        return value;
    }

    /**
     * @param value the {@code -l advres=} or {@code --reservation} value: a reservation's name ({@code res1})
     * @return the name
     * @throws BadValueException unless it is 1 to 64 letters, digits, underscores, dots or dashes (Moab's
     *                           {@code advres=NAME.ID} form is read as one name)
     */
    public static String reservation(String value) throws BadValueException {
        if (!QUEUE.matcher(value).matches()) {
            throw new BadValueException("a reservation's name must be 1 to 64 letters, digits, underscores, dots or "
                    + "dashes, not starting with a dot or dash; one name, not a list (sssadmin res list shows them: "
                    + "res1)");
        }
        return value;
    }

    /**
     * @param value the {@code -l qos=} or {@code --qos} value: a quality of service's name ({@code normal})
     * @return the name
     * @throws BadValueException unless it is 1 to 64 letters, digits, underscores, dots or dashes
     */
    public static String qos(String value) throws BadValueException {
        if (!QUEUE.matcher(value).matches()) {
            throw new BadValueException("a QOS name must be 1 to 64 letters, digits, underscores, dots or dashes, not "
                    + "starting with a dot or dash; one name, not a list (sssjob queues lists them: normal)");
        }
        return value;
    }

    /**
     * @param value the {@code -o} or {@code -e} value, {@code [host:]path}
     * @return the path without the host
     * @throws BadValueException if the path is empty or holds a control character
     */
    public static String path(String value) throws BadValueException {
        String path = HOST_PREFIX.matcher(value).replaceFirst("");
        if (path.isEmpty()) {
            throw new BadValueException("path must not be empty");
        }
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new BadValueException("path must not contain control characters");
        }
        return path;
    }

    /**
     * @param value the {@code -j} value
     * @return the join it names
     * @throws BadValueException unless it is {@code oe}, {@code eo} or {@code n}
     */
    static Join join(String value) throws BadValueException {
        return switch (value) {
            case "oe" -> Join.OUTPUT_AND_ERROR;
            case "eo" -> Join.ERROR_AND_OUTPUT;
            case "n" -> Join.NONE;
            default -> throw new BadValueException("expected oe, eo or n");
        };
    }

    /**
     * @param value the {@code -m} value: letters from {@code a}, {@code b} and {@code e}, or {@code n} alone
     * @return the events; empty for {@code n}
     * @throws BadValueException otherwise
     */
    static Set<MailEvent> mailEvents(String value) throws BadValueException {
        if (value.equals("n")) {
            return EnumSet.noneOf(MailEvent.class);
        }
        if (value.isEmpty()) {
            throw new BadValueException("expected letters from a, b and e, or n alone");
        }
        Set<MailEvent> events = EnumSet.noneOf(MailEvent.class);
        for (char c : value.toCharArray()) {
            events.add(switch (c) {
                case 'a' -> MailEvent.ABORT;
                case 'b' -> MailEvent.BEGIN;
                case 'e' -> MailEvent.END;
                case 'n' -> throw new BadValueException("n cannot be combined with other letters");
                default -> throw new BadValueException("expected letters from a, b and e, or n alone");
            });
        }
        return events;
    }

    /**
     * @param value the {@code -M} value, comma-separated addresses; spaces around each are ignored
     * @return the addresses, in order
     * @throws BadValueException if an address is empty or holds whitespace or a control character
     */
    public static List<String> mailUsers(String value) throws BadValueException {
        List<String> users = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String user = item.strip();
            if (user.isEmpty()) {
                throw new BadValueException("empty mail address in the list");
            }
            if (user.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new BadValueException("mail address " + Source.show(user) + " must not contain whitespace");
            }
            users.add(user);
        }
        return users;
    }

    /**
     * @param value the {@code -A} value
     * @return it, once checked
     * @throws BadValueException if it is empty or holds whitespace or a control character
     */
    public static String account(String value) throws BadValueException {
        if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new BadValueException("account must be non-empty without whitespace");
        }
        return value;
    }

    /**
     * @param value the {@code -p} value
     * @return the priority
     * @throws BadValueException unless it is a whole number from -1024 to 1023
     */
    static int priority(String value) throws BadValueException {
        if (PRIORITY.matcher(value).matches()) {
            int priority = Integer.parseInt(value);
            if (priority >= -1024 && priority <= 1023) {
                return priority;
            }
        }
        throw new BadValueException("priority must be a whole number from -1024 to 1023");
    }

    /**
     * @param value the {@code -r} value
     * @return true for {@code y}, false for {@code n}
     * @throws BadValueException otherwise
     */
    static boolean rerunnable(String value) throws BadValueException {
        return switch (value) {
            case "y" -> true;
            case "n" -> false;
            default -> throw new BadValueException("expected y or n");
        };
    }

    /**
     * @param value the {@code -S} value
     * @return it, once checked
     * @throws BadValueException unless it is one absolute path: starting with {@code /}, without whitespace, control
     *     characters, {@code ,} or {@code @} (qsub's per-host shell lists are not supported)
     */
    static String shell(String value) throws BadValueException {
        if (!value.startsWith("/") || value.chars().anyMatch(
                c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == ',' || c == '@')) {
            throw new BadValueException("shell must be one absolute path");
        }
        return value;
    }

    /**
     * @param value       the {@code -v} value: comma-separated {@code NAME=value} or {@code NAME} items; a value
     *                    runs to the next comma and may be empty or contain {@code =}
     * @param environment the submitter's environment, where a {@code NAME} without {@code =} takes its value; a name
     *                    the environment lacks is left out, as qsub does
     * @return the variables, in order; a later item replaces an earlier one of the same name
     * @throws BadValueException for an empty item or a name that is not letters, digits and {@code _} (not starting
     *     with a digit)
     */
    public static SequencedMap<String, String> variables(String value, Map<String, String> environment)
            throws BadValueException {
        SequencedMap<String, String> variables = new LinkedHashMap<>();
        for (String item : value.split(",", -1)) {
            if (item.isEmpty()) {
                throw new BadValueException("empty variable in the list");
            }
            int equals = item.indexOf('=');
            String variable = equals < 0 ? item : item.substring(0, equals);
            if (!VARIABLE.matcher(variable).matches()) {
                throw new BadValueException("bad variable name " + Source.show(variable));
            }
            if (equals >= 0) {
                variables.put(variable, item.substring(equals + 1));
            } else if (environment.containsKey(variable)) {
                variables.put(variable, environment.get(variable));
            }
        }
        return variables;
    }
}
