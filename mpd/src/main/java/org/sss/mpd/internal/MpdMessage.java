package org.sss.mpd.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message between mpds, or between an mpd and a console client: a command and named fields on a header line,
 * then an optional body of raw bytes (a rank's output, stdin data).
 *
 * <p>Encoded as {@code cmd=NAME key=value key=value}, then {@code \n} and the body if there is one; values are
 * percent-encoded where they hold a space, {@code %}, {@code =} or a byte outside printable ASCII. It travels in
 * SSSlib frames ({@code length space payload}). This is not XML on purpose: a ring hop must cost microseconds.
 * Immutable.
 */
public final class MpdMessage {
    private static final int MAX_FIELDS = 256;
    private static final int MAX_KEY = 32;
    private static final byte[] NO_BODY = new byte[0];
    private final String cmd;
    private final Map<String, String> fields;
    private final byte[] body;
    private final byte[] received;
    /** The encoded form once made: a message sent to several peers (a job's start to each child) is encoded once. */
    private volatile byte[] encoded;

    private MpdMessage(String cmd, Map<String, String> fields, byte[] body, byte[] received) {
        this.cmd = cmd;
        this.fields = Collections.unmodifiableMap(fields);
        this.body = body;
        this.received = received;
    }

    /** @return the bytes to send: as received for a message being passed on (no re-encoding), else encoded */
    public byte[] payload() {
        if (received != null) {
            return received;
        }
        byte[] made = encoded;
        if (made == null) {
            made = encode();
            encoded = made;
        }
        return made;
    }

    /**
     * @param cmd the command
     * @return a builder for a message with that command
     */
    public static Builder of(String cmd) {
        return new Builder(cmd);
    }

    /** @return the command */
    public String cmd() {
        return cmd;
    }

    /**
     * @param key a field name
     * @return its value, or null
     */
    public String get(String key) {
        return fields.get(key);
    }

    /**
     * @param key a field name
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public String require(String key) throws MalformedMessageException {
        String value = fields.get(key);
        if (value == null) {
            throw new MalformedMessageException(cmd + " without " + key);
        }
        return value;
    }

    /**
     * @param key a field name
     * @return its value as a number
     * @throws MalformedMessageException if it is missing or not a number
     */
    public long number(String key) throws MalformedMessageException {
        String value = require(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MalformedMessageException(cmd + " with non-numeric " + key + "=" + value);
        }
    }

    /**
     * @param key      a field name
     * @param fallback the value when missing
     * @return its value as a number
     * @throws MalformedMessageException if present but not a number
     */
    public long number(String key, long fallback) throws MalformedMessageException {
        return fields.containsKey(key) ? number(key) : fallback;
    }

    /** @return all fields, in order */
    public Map<String, String> fields() {
        return fields;
    }

    /** @return the body (never null, may be empty) */
    public byte[] body() {
        return body;
    }

    /** @return the encoded payload */
    public byte[] encode() {
        StringBuilder header = new StringBuilder(64).append("cmd=");
        escape(cmd, header);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            header.append(' ').append(field.getKey()).append('=');
            escape(field.getValue(), header);
        }
        byte[] head = header.toString().getBytes(StandardCharsets.US_ASCII);
        if (body.length == 0) {
            return head;
        }
        byte[] payload = Arrays.copyOf(head, head.length + 1 + body.length);
        payload[head.length] = '\n';
        System.arraycopy(body, 0, payload, head.length + 1, body.length);
        return payload;
    }

    /**
     * Decodes a payload.
     *
     * @param payload what a frame carried
     * @return the message
     * @throws MalformedMessageException if the header is not {@code cmd=… key=value…} within the limits
     */
    public static MpdMessage parse(byte[] payload) throws MalformedMessageException {
        int newline = indexOf(payload, (byte) '\n');
        int headerEnd = newline < 0 ? payload.length : newline;
        Map<String, String> fields = new LinkedHashMap<>();
        String cmd = null;
        int i = 0;
        while (i < headerEnd) {
            int space = i;
            while (space < headerEnd && payload[space] != ' ') {
                space++;
            }
            if (space == i) {
                throw new MalformedMessageException("empty field in header");
            }
            int equals = i;
            while (equals < space && payload[equals] != '=') {
                equals++;
            }
            if (equals == space || equals == i || equals - i > MAX_KEY) {
                throw new MalformedMessageException("header field is not key=value");
            }
            String key = new String(payload, i, equals - i, StandardCharsets.US_ASCII);
            checkKey(key);
            String value = unescape(payload, equals + 1, space);
            if (cmd == null) {
                if (!key.equals("cmd")) {
                    throw new MalformedMessageException("header does not start with cmd=");
                }
                cmd = value;
            } else if (fields.put(key, value) != null) {
                throw new MalformedMessageException("field " + key + " given twice");
            } else if (fields.size() > MAX_FIELDS) {
                throw new MalformedMessageException("more than " + MAX_FIELDS + " fields");
            }
            i = space + 1;
        }
        if (cmd == null || cmd.isEmpty()) {
            throw new MalformedMessageException("message without cmd");
        }
        byte[] body = newline < 0 ? NO_BODY : Arrays.copyOfRange(payload, newline + 1, payload.length);
        return new MpdMessage(cmd, fields, body, payload);
    }

    private static void checkKey(String key) throws MalformedMessageException {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                throw new MalformedMessageException("bad field name");
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void escape(String value, StringBuilder out) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                out.append((char) c);
            }
        }
    }

    private static String unescape(byte[] payload, int from, int to) throws MalformedMessageException {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            if (payload[i] == '%') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(payload, from, to - from, StandardCharsets.US_ASCII);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = payload[i];
            if (b == '%') {
                if (i + 2 >= to) {
                    throw new MalformedMessageException("truncated %-escape");
                }
                int hi = Character.digit(payload[i + 1], 16);
                int lo = Character.digit(payload[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedMessageException("bad %-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        byte[] encoded = encode();
        return new String(encoded, 0, Math.min(200, encoded.length), StandardCharsets.UTF_8);
    }

    /** Builds a message. Not thread-safe. */
    public static final class Builder {
        private final String cmd;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private byte[] body = NO_BODY;

        private Builder(String cmd) {
            this.cmd = cmd;
        }

        /**
         * @param key   a field name ({@code [a-z0-9_.-]}, at most 32 characters)
         * @param value its value; null leaves the field out
         * @return this builder
         */
        public Builder with(String key, Object value) {
            if (value != null) {
                fields.put(key, value.toString());
            }
            return this;
        }

        /**
         * @param bytes the body
         * @return this builder
         */
        public Builder body(byte[] bytes) {
            this.body = bytes == null ? NO_BODY : bytes;
            return this;
        }

        /** @return the message */
        public MpdMessage build() {
            return new MpdMessage(cmd, new LinkedHashMap<>(fields), body, null);
        }
    }
}
