package org.sss.lib.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a client proves it holds a shared key when answering a challenge. The answer is always the lowercase
 * hex of the digest.
 */
public enum Digest {
    /** HMAC-SHA256 keyed with the shared key, over the challenge text. The default. */
    HMAC_SHA256("hmac-sha256"),
    /** MD5 over the challenge text followed by the key, as Maui- and Gold-era SSSlib clients compute it. */
    MD5("md5");

    private final String configName;

    Digest(String configName) {
        this.configName = configName;
    }

    /** @return the name used in configuration files */
    public String configName() {
        return configName;
    }

    /**
     * @param configName {@code hmac-sha256} or {@code md5}
     * @return the digest
     * @throws IllegalArgumentException for any other name
     */
    public static Digest fromConfig(String configName) {
        for (Digest digest : values()) {
            if (digest.configName.equals(configName)) {
                return digest;
            }
        }
        throw new IllegalArgumentException("unknown digest: " + configName);
    }

    /**
     * Computes the answer to a challenge.
     *
     * @param challenge the challenge line as sent, without its newline
     * @param key       the shared secret
     * @return lowercase hex of the digest
     */
    public String answer(String challenge, byte[] key) {
        byte[] text = challenge.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = switch (this) {
                case MD5 -> {
                    MessageDigest md5 = MessageDigest.getInstance("MD5");
                    md5.update(text);
                    md5.update(key);
                    yield md5.digest();
                }
                case HMAC_SHA256 -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(key, "HmacSHA256"));
                    yield mac.doFinal(text);
                }
            };
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + this + ", which every Java platform must provide", e);
        }
    }
}
