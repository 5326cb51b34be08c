package org.sss.mpd.internal.names;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies of the name service's messages, between mpds and between an mpd and its {@code sss-pmix}: lines of
 * fields separated by one space, each field's bytes below {@code 0x21}, {@code %}, {@code =} and {@code 0x7f} and
 * above written {@code %xx}, so a field holds any string and a line never breaks (docs/PMIX.md). Stateless.
 */
public final class NameLines {
    private NameLines() {
    }

    /**
     * @param lines each line's fields
     * @return the body
     */
    public static byte[] encode(List<List<String>> lines) {
        StringBuilder out = new StringBuilder();
        for (List<String> fields : lines) {
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                escape(fields.get(i), out);
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param body     a body
     * @param maxLines the most lines accepted
     * @return each line's fields (empty lines skipped)
     * @throws IllegalArgumentException if it has more lines, or a bad escape
     */
    public static List<List<String>> decode(byte[] body, int maxLines) {
        List<List<String>> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (i > start) {
                    if (lines.size() == maxLines) {
                        throw new IllegalArgumentException("more than " + maxLines + " lines");
                    }
                    lines.add(fields(body, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static List<String> fields(byte[] body, int from, int to) {
        List<String> fields = new ArrayList<>();
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || body[i] == ' ') {
                fields.add(unescape(body, start, i));
                start = i + 1;
            }
        }
        return fields;
    }

    private static void escape(String value, StringBuilder out) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                out.append((char) c);
            }
        }
    }

    private static String unescape(byte[] body, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            if (body[i] == '%') {
                int high = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("a bad %-escape");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(body[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
