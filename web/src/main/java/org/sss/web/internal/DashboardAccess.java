package org.sss.web.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;

/**
 * Who may read the dashboard and who may act through it. A browser on loopback reads; any other reads after signing
 * in with the viewer key. Signing in with a suite key of role {@code user} lets that user also cancel their own
 * jobs and read their jobs' output; with an {@code admin} or {@code component} key, everyone's. A sign-in gives a
 * random session token (kept in memory, 12 hours) that the page carries in an HttpOnly, SameSite=Strict cookie.
 * The presented key is matched against every key in constant time, as the challenge wire does. Thread-safe.
 */
public final class DashboardAccess {
    /** How long a session lasts. */
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 10_000;
    private static final Principal PRESENTED = new Principal("presented", Role.COMPONENT, null);
    private final KeyRing suiteKeys;
    private final KeyRing viewerKeys;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** What a visitor may do. */
    public enum Level {
        /** Nothing: the page asks for a key. */
        NONE,
        /** See jobs, nodes, the ring and events. */
        READ,
        /** Also read their own jobs' output and cancel their own jobs. */
        USER,
        /** Also read every job's output and cancel every job. */
        ADMIN
    }

    /**
     * A visitor of the dashboard.
     *
     * @param level what they may do
     * @param user  the user they act for ({@link Level#USER}), else {@code null}
     * @param name  the key they signed in with, {@code loopback}, or {@code anonymous}
     */
    public record Visitor(Level level, String user, String name) {
        /** @return whether they may see the dashboard's lists */
        public boolean mayRead() {
            return level != Level.NONE;
        }

        /** @return whether they may act on some job (signed in with a suite key), before asking whose it is */
        public boolean mayAct() {
            return level == Level.ADMIN || level == Level.USER;
        }

        /**
         * @param owner a job's user
         * @return whether they may read that job's output and cancel it
         */
        public boolean mayActFor(String owner) {
            return level == Level.ADMIN || level == Level.USER && user.equals(owner);
        }
    }

    private record Session(Visitor visitor, Instant expires) {
    }

    /**
     * @param suiteKeys the suite's keys (from {@code <security>})
     * @param viewerKey the viewer key, or {@code null} when only loopback may read without a suite key
     */
    public DashboardAccess(KeyRing suiteKeys, SharedKey viewerKey) {
        this.suiteKeys = suiteKeys;
        this.viewerKeys = viewerKey == null ? null : new KeyRing(List.of(viewerKey), viewerKey.name());
    }

    /**
     * As {@link #visitor(String, String, String)} for a request that named a loopback address as its host.
     *
     * @param remoteAddress the peer's address as the connection reports it
     * @param sessionToken  the session cookie's value, or {@code null}
     * @return who the visitor is
     */
    public Visitor visitor(String remoteAddress, String sessionToken) {
        return visitor(remoteAddress, "127.0.0.1", sessionToken);
    }

    /**
     * @param remoteAddress the peer's address as the connection reports it
     * @param host          the host the request names (its {@code Host} header), or {@code null} if it names none
     * @param sessionToken  the session cookie's value, or {@code null}
     * @return who the visitor is: their session's rights, or reading rights on loopback when the request also names
     *         a loopback host (a page of any site whose name was re-bound to 127.0.0.1 names its own: its script must
     *         not read the cluster's jobs through a browser on this host), or nothing
     */
    public Visitor visitor(String remoteAddress, String host, String sessionToken) {
        if (sessionToken != null) {
            Session session = sessions.get(sessionToken);
            if (session != null) {
                if (session.expires().isAfter(Instant.now())) {
                    return session.visitor();
                }
                sessions.remove(sessionToken);
            }
        }
        return isLoopback(remoteAddress) && (host == null || isLoopbackHost(host))
                ? new Visitor(Level.READ, null, "loopback") : new Visitor(Level.NONE, null, "anonymous");
    }

    /** @return whether a request's host is {@code localhost} or a loopback address literal */
    static boolean isLoopbackHost(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return name.equalsIgnoreCase("localhost") || isLoopback(name);
    }

    /**
     * @param presentedKey the key text the visitor typed (surrounding white space ignored)
     * @return the visitor that key makes, if it is a suite key or the viewer key
     */
    public Optional<Visitor> identify(String presentedKey) {
        String key = presentedKey.strip();
        if (key.isEmpty() || key.length() > 4096) {
            return Optional.empty();
        }
        String challenge = HexFormat.of().formatHex(randomBytes(32));
        String answer = new SharedKey("presented", key.getBytes(StandardCharsets.UTF_8), PRESENTED)
                .answer(Digest.HMAC_SHA256, challenge);
        Optional<Principal> suite = suiteKeys.authenticate(Digest.HMAC_SHA256, challenge, answer);
        if (suite.isPresent()) {
            Principal principal = suite.get();
            return Optional.of(principal.role() == Role.USER ? new Visitor(Level.USER, principal.user(), principal.name())
                    : new Visitor(Level.ADMIN, null, principal.name()));
        }
        if (viewerKeys != null && viewerKeys.authenticate(Digest.HMAC_SHA256, challenge, answer).isPresent()) {
            return Optional.of(new Visitor(Level.READ, null, "viewer"));
        }
        return Optional.empty();
    }

    /**
     * @param visitor who signed in
     * @return a new session token for them
     */
    public String openSession(Visitor visitor) {
        Instant now = Instant.now();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(session -> !session.expires().isAfter(now));
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.keySet().stream().findAny().ifPresent(sessions::remove);
        }
        String token = HexFormat.of().formatHex(randomBytes(32));
        sessions.put(token, new Session(visitor, now.plus(SESSION_LIFETIME)));
        return token;
    }

    /** @param sessionToken a session to end (unknown tokens are ignored) */
    public void closeSession(String sessionToken) {
        if (sessionToken != null) {
            sessions.remove(sessionToken);
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!literal.matches("[0-9a-fA-F.:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
