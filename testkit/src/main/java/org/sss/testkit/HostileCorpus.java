package org.sss.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The suite's hostile input corpus: the files under {@code hostile/} on the class path that its {@code cases.txt}
 * lists (XXE, external DTDs and entities, billion laughs, XInclude, unknown roots, schema-invalid values, non-UTF-8
 * bytes, truncated and not well-formed documents; the source is {@code testkit/src/main/resources/hostile/}, whose
 * README says who else reads it) and generated cases
 * (bad frame lengths, 10,000-deep nesting, 10,000 attributes, a 1 MB value, a slow loris). Every case is ready to
 * write after a challenge-wire handshake: the documents framed, the {@code frame:} cases raw. Tests drive it at a
 * component's wire, HTTP, local-socket and PMI ports and expect an error or a clean close, never a hang.
 */
public final class HostileCorpus {
    /** The request that the slow-loris case dribbles when no other is given: the directory's listing. */
    public static final String PROBE = "<get-location><location component=\"*\"/></get-location>";

    /**
     * A normal request a component serves, and how its reply starts: what a test sends after each case to see that
     * the component is alive.
     *
     * @param request    the request document
     * @param replyStart the start of a normal reply
     */
    public record Normal(String request, String replyStart) {
    }

    /** The normal request of each of the six components, by name. */
    public static final Map<String, Normal> NORMAL = Map.of(
            "service-directory", new Normal(PROBE, "<locations"),
            "event-manager", new Normal("<get-events since=\"0\"/>", "<events"),
            "queue-manager", new Normal("<job-query><job id=\"*\"/></job-query>", "<jobs"),
            "scheduler", new Normal("<reservation-query><reservation id=\"*\"/></reservation-query>", "<reservations"),
            "process-manager", new Normal("<get-process-group-info><process-group pgid=\"*\"/></get-process-group-info>",
                    "<process-groups"),
            "node-state-manager", new Normal("<get-node-state><node name=\"*\"/></get-node-state>", "<node-states"));

    private HostileCorpus() {
    }

    /**
     * One hostile input.
     *
     * @param name  what it is (the {@code frame:} cases attack the framing itself and have no payload)
     * @param bytes what is written
     * @param slow  whether the writer dribbles it, a byte every 0.4 s (slow loris)
     */
    public record Case(String name, byte[] bytes, boolean slow) {
        /** @return whether it attacks the frame rather than the document (such cases make no sense over HTTP) */
        public boolean framing() {
            return name.startsWith("frame:");
        }

        /** @return the document without its frame, for HTTP bodies */
        public byte[] payload() {
            int space = 0;
            while (bytes[space] != ' ') {
                space++;
            }
            return Arrays.copyOfRange(bytes, space + 1, bytes.length);
        }
    }

    /**
     * @param maxMessage the largest frame the target accepts (for the "larger than the maximum" case)
     * @param probe      a well-formed request of the target, dribbled by the slow-loris case
     * @return every case, in a fixed order
     */
    public static List<Case> cases(int maxMessage, String probe) {
        List<Case> cases = new ArrayList<>();
        cases.add(raw("frame: length 0", "0 "));
        cases.add(raw("frame: negative length", "-5 <a/>"));
        cases.add(raw("frame: non-numeric length", "abc <a/>"));
        cases.add(raw("frame: no length, no space", "<get-location/>"));
        cases.add(raw("frame: eleven digits", "12345678901 "));
        cases.add(raw("frame: larger than the maximum", (maxMessage + 1) + " <a"));
        cases.add(raw("frame: larger than sent, then closed", "100 <get-location/>"));
        cases.add(new Case("frame: slow loris, a byte every 0.4 s", framed(probe.getBytes(StandardCharsets.UTF_8)), true));
        for (String file : files()) {
            cases.add(new Case(file, framed(resource(file)), false));
        }
        cases.add(document("10,000-deep nesting", "<get-location>" + "<location>".repeat(10_000)));
        StringBuilder attributes = new StringBuilder("<get-location><location component=\"*\"");
        for (int i = 0; i < 10_000; i++) {
            attributes.append(" a").append(i).append("=\"x\"");
        }
        cases.add(document("10,000 attributes", attributes.append("/></get-location>").toString()));
        cases.add(document("1 MB attribute value", "<get-location><location component=\"" + "x".repeat(1 << 20)
                + "\"/></get-location>"));
        return List.copyOf(cases);
    }

    /**
     * @param name a case's name
     * @param text its bytes, ASCII, written as they are
     * @return the case
     */
    public static Case raw(String name, String text) {
        return new Case(name, text.getBytes(StandardCharsets.US_ASCII), false);
    }

    /**
     * @param payload a document
     * @return it framed for the challenge wire: its length in decimal, a space, the bytes
     */
    public static byte[] framed(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** @return the documents of the corpus's files, unframed, in the order {@code cases.txt} lists them */
    public static List<byte[]> documents() {
        return files().stream().map(HostileCorpus::resource).toList();
    }

    private static List<String> files() {
        List<String> files = new ArrayList<>();
        for (String line : new String(resource("cases.txt"), StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 2 && !fields[0].startsWith("#")) {
                files.add(fields[0]);
            }
        }
        return files;
    }

    private static Case document(String name, String xml) {
        return new Case(name, framed(xml.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static byte[] resource(String file) {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the corpus file hostile/" + file + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
