package org.sss.lib.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;
import org.sss.lib.error.ErrorCode;

/**
 * The suite's hostile corpus ({@code testkit/src/main/resources/hostile/}, on this module's test class path as
 * {@code hostile/}: every file its {@code cases.txt} lists, with the code given there) plus generated messages, with
 * the expected code.
 */
public final class HostileCorpus {
    private HostileCorpus() {
    }

    /** @return arguments (name, payload, expected code) */
    public static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String line : new String(resource("cases.txt"), StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && !fields[0].startsWith("#")) {
                cases.add(Arguments.of(fields[0], resource(fields[0]), ErrorCode.fromWire(fields[1])));
            }
        }
        // The grammar has no recursive element, so validation stops a deep document at depth 3, before the
        // depth limit; HostileInputTest checks the depth limit itself with a tighter limit.
        cases.add(Arguments.of("10,000-deep nesting", deepNesting(10_000), ErrorCode.SCHEMA_INVALID));
        cases.add(Arguments.of("1 MB attribute", bigAttribute(1024 * 1024), ErrorCode.XML_LIMIT_EXCEEDED));
        cases.add(Arguments.of("10,000 attributes", manyAttributes(10_000), ErrorCode.XML_LIMIT_EXCEEDED));
        cases.add(Arguments.of("invalid UTF-8", invalidUtf8(), ErrorCode.NOT_WELL_FORMED));
        cases.add(Arguments.of("UTF-16 DOCTYPE the prolog scan cannot see", utf16Doctype(), ErrorCode.NOT_WELL_FORMED));
        cases.add(Arguments.of("empty document", " ".getBytes(StandardCharsets.US_ASCII), ErrorCode.NOT_WELL_FORMED));
        cases.add(Arguments.of("binary noise", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 3}, ErrorCode.NOT_WELL_FORMED));
        return cases;
    }

    private static byte[] resource(String name) {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus file hostile/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] deepNesting(int depth) {
        StringBuilder xml = new StringBuilder("<get-location>");
        xml.append("<location>".repeat(depth)).append("</location>".repeat(depth)).append("</get-location>");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bigAttribute(int chars) {
        return ("<get-location><location component=\"" + "A".repeat(chars) + "\"/></get-location>").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] manyAttributes(int count) {
        StringBuilder xml = new StringBuilder("<get-location");
        for (int i = 0; i < count; i++) {
            xml.append(" a").append(i).append("=\"x\"");
        }
        return xml.append("><location/></get-location>").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] invalidUtf8() {
        byte[] head = "<get-location><location><component>".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "</component></location></get-location>".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 3 + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xc3;
        all[head.length + 1] = (byte) 0x28;
        all[head.length + 2] = (byte) 0xff;
        System.arraycopy(tail, 0, all, head.length + 3, tail.length);
        return all;
    }

    static byte[] utf16Doctype() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE get-location [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<get-location><location><component>&x;</component></location></get-location>";
        return xml.getBytes(StandardCharsets.UTF_16);
    }
}
