package org.sss.sssjob.internal.slurm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.sss.sssjob.internal.CliException;

/**
 * The {@code -o/--format} strings of squeue and sinfo: text with {@code %[.][WIDTH]FIELD} items; WIDTH pads (and cuts)
 * the field to that many characters, left-justified (also written {@code %-WIDTH}), or right-justified with the
 * {@code .}; {@code %%} is a percent sign. Which field letters there are is the command's; another is refused by name.
 * Immutable.
 */
final class PercentFormat {
    private final List<Item> items;

    private record Item(String text, char field, int width, boolean right) {
    }

    private PercentFormat(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * @param format a format string
     * @param fields the field letters the command has
     * @return it, read
     * @throws CliException (exit 2) naming an unsupported field, or a % at the end
     */
    static PercentFormat parse(String format, String fields) throws CliException {
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
            if (fields.indexOf(field) < 0) {
                throw CliException.usage("--format: field %" + field + " is not supported (supported: "
                        + fields.chars().mapToObj(f -> "%" + (char) f).collect(Collectors.joining(" ")) + ")");
            }
            items.add(new Item(text.toString(), '\0', 0, false));
            text.setLength(0);
            items.add(new Item("", field, width, right));
        }
        items.add(new Item(text.toString(), '\0', 0, false));
        return new PercentFormat(items);
    }

    /** @return the field letters it shows, each once, in order */
    Set<Character> fields() {
        Set<Character> fields = new LinkedHashSet<>();
        items.stream().filter(item -> item.field() != '\0').forEach(item -> fields.add(item.field()));
        return fields;
    }

    /**
     * @param value each field's text
     * @return the line, trailing blanks removed
     */
    String render(Function<Character, String> value) {
        StringBuilder out = new StringBuilder();
        for (Item item : items) {
            out.append(item.field() == '\0' ? item.text() : cell(value.apply(item.field()), item));
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
}
