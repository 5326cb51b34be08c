package org.sss.lib.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The SSSlib "challenge" handshake that opens every connection.
 *
 * <ol>
 *   <li>The server sends a random challenge line ending in {@code \n}.</li>
 *   <li>The client answers the lowercase hex {@link Digest} of the challenge with its shared key, then {@code \n}.</li>
 *   <li>The server answers the single byte {@code 1} if some accepted key gives that answer; otherwise it sends
 *       {@code 0} and closes.</li>
 * </ol>
 * Lines are bounded (a challenge of at most 1,024 bytes, an answer of at most 256), so a hostile peer cannot
 * make either side buffer without limit. Instances are thread-safe.
 */
public final class ChallengeHandshake {
    private static final int MAX_CHALLENGE = 1024;
    private static final int MAX_ANSWER = 256;
    private final SecureRandom random = new SecureRandom();
    private final Digest digest;

    /** @param digest the digest both sides use */
    public ChallengeHandshake(Digest digest) {
        this.digest = digest;
    }

    /** @return the digest in use */
    public Digest digest() {
        return digest;
    }

    /**
     * Server side: challenges the client and identifies it.
     *
     * @param in   the connection's input
     * @param out  the connection's output
     * @param keys the accepted keys
     * @return the principal of the key the client proved it holds
     * @throws AuthenticationException if the answer matches no key or is malformed ({@code 0} has been sent)
     * @throws IOException             if the connection fails or times out
     */
    public Principal accept(InputStream in, OutputStream out, KeyRing keys) throws IOException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String challenge = HexFormat.of().formatHex(bytes);
        out.write((challenge + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = readLine(in, MAX_ANSWER, "challenge answer");
        var principal = keys.authenticate(digest, challenge, answer.strip());
        if (principal.isEmpty()) {
            out.write('0');
            out.flush();
            throw new AuthenticationException("challenge answer matches no accepted key (digest " + digest.configName() + ")");
        }
        out.write('1');
        out.flush();
        return principal.get();
    }

    /**
     * Client side: answers the server's challenge with a key.
     *
     * @param in  the connection's input
     * @param out the connection's output
     * @param key the key to present
     * @throws AuthenticationException if the server refuses the answer
     * @throws IOException             if the connection fails or times out
     */
    public void present(InputStream in, OutputStream out, SharedKey key) throws IOException {
        String challenge = readLine(in, MAX_CHALLENGE, "challenge");
        if (challenge.endsWith("\r")) {
            challenge = challenge.substring(0, challenge.length() - 1);
        }
        out.write((key.answer(digest, challenge) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int verdict = in.read();
        if (verdict != '1') {
            throw new AuthenticationException(verdict < 0
                    ? "server closed the connection instead of accepting key " + key.name()
                    : "server refused key " + key.name() + " (digest " + digest.configName() + ")");
        }
    }

    private static String readLine(InputStream in, int max, String what) throws IOException {
        StringBuilder line = new StringBuilder(80);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the " + what);
            }
            if (b == '\n') {
                return line.toString();
            }
            if (line.length() >= max) {
                throw new AuthenticationException(what + " longer than " + max + " bytes");
            }
            if (b < 0x20 && b != '\r' || b > 0x7e) {
                throw new AuthenticationException(what + " contains a non-printable byte");
            }
            line.append((char) b);
        }
    }
}
