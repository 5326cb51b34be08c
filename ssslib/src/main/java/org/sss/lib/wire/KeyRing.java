package org.sss.lib.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys a server accepts and the key its process presents as a client.
 *
 * <p>A server does not ask a client who it is: it computes every accepted key's answer to the challenge and
 * compares each with the client's answer in constant time, without stopping at the first match, so the key
 * (and thus the principal) is found without leaking which keys exist through timing.
 */
public final class KeyRing {
    private final Map<String, SharedKey> keys;
    private final SharedKey clientKey;

    /**
     * @param keys          every accepted key (names must be unique)
     * @param clientKeyName the name of the key this process presents when it calls others
     * @throws IllegalArgumentException on duplicate names or an unknown client key
     */
    public KeyRing(List<SharedKey> keys, String clientKeyName) {
        Map<String, SharedKey> byName = new LinkedHashMap<>();
        for (SharedKey key : keys) {
            if (byName.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("duplicate key name: " + key.name());
            }
        }
        this.keys = Map.copyOf(byName);
        this.clientKey = byName.get(clientKeyName);
        if (clientKey == null) {
            throw new IllegalArgumentException("client key " + clientKeyName + " is not among the keys " + byName.keySet());
        }
    }

    /** @return the key this process presents as a client */
    public SharedKey clientKey() {
        return clientKey;
    }

    /**
     * @param name a key name
     * @return the key with that name
     */
    public Optional<SharedKey> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    /**
     * @param name a key name
     * @return a ring with the same keys that presents the named key as a client
     */
    public KeyRing presenting(String name) {
        return new KeyRing(List.copyOf(keys.values()), name);
    }

    /**
     * Finds the key whose answer to the challenge equals the client's answer.
     *
     * @param digest    the digest in use
     * @param challenge the challenge that was sent
     * @param answer    what the client answered
     * @return the principal of the matching key, if any
     */
    public Optional<Principal> authenticate(Digest digest, String challenge, String answer) {
        byte[] given = answer.getBytes(StandardCharsets.US_ASCII);
        Principal found = null;
        for (SharedKey key : keys.values()) {
            byte[] expected = key.answer(digest, challenge).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && found == null) {
                found = key.principal();
            }
        }
        return Optional.ofNullable(found);
    }
}
