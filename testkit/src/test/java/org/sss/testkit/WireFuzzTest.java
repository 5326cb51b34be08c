package org.sss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.FrameException;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.ReadTimeouts;
import org.sss.lib.xml.MessageCodec;

/**
 * Issue 10, item 6: a seeded random mutator over the hostile corpus and the example messages, run for a bounded time
 * ({@code -Dsss.fuzz.seconds}, default 15; {@code -Dsss.fuzz.seed} repeats a run) against the wire framing
 * ({@link FrameReader}) and the codec ({@link MessageCodec}). Every input must end in a payload, a frame refusal or
 * an end of stream (framing), and in a message or an {@link SssException} with an error code (codec) — never another
 * exception, an error such as a stack overflow, or a wrong-type failure of the parser itself — within 2 s each; and
 * whatever decodes must encode and decode again.
 */
class WireFuzzTest {
    private static final int MAX_BYTES = 256 * 1024;
    private static final byte[][] TOKENS = Stream.of("<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;", "&#0;", "&#x1F600;", "<![CDATA[",
            "]]>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "\u0000", "\uFEFF", "xmlns=\"urn:x\"", "xsi:type=\"x\"",
            " id=\"*\"", "</", "/>", "<", ">", "\"", "=", "99999999999 ", "0 ", "-1 ", "\r\n", "\u00e9", "\ud800")
            .map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    @Test
    void mutatedFramesAndMessagesNeverEscapeTheErrorPath() throws IOException {
        long seed = Long.getLong("sss.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("sss.fuzz.seconds", 15);
        Random random = new Random(seed);
        List<byte[]> seeds = seeds();
        MessageCodec codec = MessageCodec.messages();
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int runs = 0;
        while (System.nanoTime() < deadline) {
            byte[] payload = mutate(random, seeds);
            byte[] frame = random.nextInt(4) == 0 ? mutate(random, List.of(frame(payload))) : frame(payload);
            long started = System.nanoTime();
            String outcome = frame(frame, codec);
            outcomes.merge(outcome, 1, Integer::sum);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(millis).as("run %d of seed %d took %d ms: %s", runs, seed, millis, outcome).isLessThan(2000);
            assertThat(outcome).as("run %d of seed %d", runs, seed).doesNotStartWith("escaped");
            runs++;
        }
        System.out.printf("wire fuzz: seed %d, %d inputs in %d s, outcomes %s%n", seed, runs, seconds, outcomes);
        assertThat(runs).isGreaterThan(100);
        assertThat(outcomes).containsKey("decoded");
    }

    /** Reads frames from the bytes until they end, decoding each; returns the last outcome. */
    private static String frame(byte[] bytes, MessageCodec codec) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), MAX_BYTES, ReadTimeouts.NONE);
        String outcome = "empty";
        try {
            for (byte[] payload = reader.read(); payload != null; payload = reader.read()) {
                outcome = decode(payload, codec);
                if (outcome.startsWith("escaped")) {
                    return outcome;
                }
            }
            return outcome;
        } catch (FrameException e) {
            return "frame refused: " + e.code().wireCode();
        } catch (EOFException e) {
            return "frame cut short";
        } catch (IOException | RuntimeException | Error e) {
            return "escaped the framing: " + e;
        }
    }

    private static String decode(byte[] payload, MessageCodec codec) {
        Object message;
        try {
            message = codec.decode(payload);
        } catch (SssException e) {
            if (e.getCause() instanceof RuntimeException) {
                return "escaped the parser as " + e.getCause();
            }
            return "refused: " + e.code().wireCode();
        } catch (RuntimeException | Error e) {
            return "escaped the codec: " + e;
        }
        try {
            codec.decode(codec.encode(message));
            return "decoded";
        } catch (SssException | RuntimeException | Error e) {
            return "escaped: decoded but does not encode and decode again: " + e;
        }
    }

    private static byte[] frame(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] mutate(Random random, List<byte[]> seeds) {
        byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            data = switch (random.nextInt(6)) {
                case 0 -> flip(random, data);
                case 1 -> insert(data, random.nextInt(data.length + 1), TOKENS[random.nextInt(TOKENS.length)]);
                case 2 -> delete(random, data);
                case 3 -> duplicate(random, data);
                case 4 -> splice(random, data, seeds.get(random.nextInt(seeds.size())));
                default -> insert(data, random.nextInt(data.length + 1), randomBytes(random, 1 + random.nextInt(8)));
            };
            if (data.length > MAX_BYTES / 2) {
                data = java.util.Arrays.copyOf(data, MAX_BYTES / 2);
            }
        }
        return data.length == 0 ? new byte[] {'<'} : data;
    }

    private static byte[] flip(Random random, byte[] data) {
        if (data.length > 0) {
            data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return data;
    }

    private static byte[] insert(byte[] data, int at, byte[] what) {
        byte[] out = new byte[data.length + what.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(data, at, out, at + what.length, data.length - at);
        return out;
    }

    private static byte[] delete(Random random, byte[] data) {
        if (data.length < 2) {
            return data;
        }
        int from = random.nextInt(data.length);
        int to = Math.min(data.length, from + 1 + random.nextInt(16));
        byte[] out = new byte[data.length - (to - from)];
        System.arraycopy(data, 0, out, 0, from);
        System.arraycopy(data, to, out, from, data.length - to);
        return out;
    }

    private static byte[] duplicate(Random random, byte[] data) {
        if (data.length == 0) {
            return data;
        }
        int from = random.nextInt(data.length);
        int to = Math.min(data.length, from + 1 + random.nextInt(64));
        byte[] piece = java.util.Arrays.copyOfRange(data, from, to);
        byte[] out = data;
        for (int i = random.nextInt(1 + random.nextInt(50)); i >= 0; i--) {
            out = insert(out, to, piece);
            if (out.length > MAX_BYTES / 2) {
                break;
            }
        }
        return out;
    }

    private static byte[] splice(Random random, byte[] data, byte[] other) {
        int cut = random.nextInt(data.length + 1);
        int from = random.nextInt(other.length + 1);
        byte[] out = new byte[cut + other.length - from];
        System.arraycopy(data, 0, out, 0, cut);
        System.arraycopy(other, from, out, cut, other.length - from);
        return out;
    }

    private static byte[] randomBytes(Random random, int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.addAll(HostileCorpus.documents());
        try (Stream<Path> examples = Files.list(Path.of("..", "etc", "examples"))) {
            for (Path example : examples.sorted().toList()) {
                seeds.add(Files.readAllBytes(example));
            }
        }
        for (String valid : List.of("<get-location><location component=\"*\"/></get-location>",
                "<job-query><job id=\"*\" user=\"alice\" state=\"running\"/></job-query>",
                "<get-node-state><node name=\"*\"/></get-node-state>",
                "<job-submit workdir=\"/tmp\"><script name=\"a.sh\">#!/bin/sh&#10;#PBS -l nodes=2&#10;true</script>"
                        + "<option>-N</option><option>x</option><env name=\"A\" value=\"b\"/></job-submit>",
                "<reservation-create nodes=\"node1 node2\" start=\"2026-11-24T08:00:00Z\" duration=\"7200\" users=\"alice\"/>",
                "<set-node-state name=\"node3\" state=\"drained\" reason=\"disk\"/>")) {
            seeds.add(valid.getBytes(StandardCharsets.UTF_8));
        }
        return seeds;
    }
}
