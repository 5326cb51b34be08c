package org.sss.sssjob.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * qsub's half of the handshake with {@code sss-pty} (mpd/src/main/c/sss-pty.c): each end proves it knows the job's
 * token without sending it, so a stranger who connects to qsub gets no terminal to write to, and one who listens on
 * qsub's port after qsub went away gets no shell.
 * <pre>
 *   sss-pty: "sss-pty 2 NP\n"      qsub: "qsub NQ MQ\n"      sss-pty: "sss-pty MP\n"
 *   MQ = HMAC-SHA256(token, "qsub NP NQ"), MP = HMAC-SHA256(token, "sss-pty NQ NP"), nonces of 32 hex digits
 * </pre>
 * Stateless.
 */
final class PtyHandshake {
    private static final Pattern HELLO = Pattern.compile("sss-pty 2 ([0-9a-f]{32})");
    private static final Pattern PROOF = Pattern.compile("sss-pty ([0-9a-f]{64})");
    private static final int MAX_LINE = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PtyHandshake() {
    }

    /**
     * @param in    the peer's input
     * @param out   the peer's output
     * @param token the job's token
     * @return null if the peer proved it is the job's sss-pty, else why not
     * @throws IOException if the connection fails or times out
     */
    static String accept(InputStream in, OutputStream out, String token) throws IOException {
        String hello = readLine(in);
        Matcher np = hello == null ? null : HELLO.matcher(hello);
        if (np == null || !np.matches()) {
            return "it did not greet as sss-pty does";
        }
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String nq = HexFormat.of().formatHex(nonce);
        out.write(("qsub " + nq + " " + mac(token, "qsub " + np.group(1) + " " + nq) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String proof = readLine(in);
        Matcher mp = proof == null ? null : PROOF.matcher(proof);
        if (mp == null || !mp.matches()) {
            return "it gave no proof of the job's token";
        }
        byte[] expected = mac(token, "sss-pty " + nq + " " + np.group(1)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, mp.group(1).getBytes(StandardCharsets.US_ASCII)) ? null
                : "its proof of the job's token is wrong";
    }

    /** @return hex(HMAC-SHA256(token, text)) */
    static String mac(String token, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_LINE) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                return line.toString();
            }
            line.append((char) b);
        }
        return null;
    }
}
