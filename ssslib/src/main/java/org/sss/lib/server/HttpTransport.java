package org.sss.lib.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;

/**
 * The HTTP transport: a component's XML messages by {@code POST /sss} (Jetty 12), for curl and the dashboard.
 *
 * <p>Every request is signed: {@code Authorization: SSS-HMAC-SHA256 ts=UNIX,sig=HEX}, where {@code HEX} is the
 * HMAC-SHA256, keyed with the caller's key, of the decimal Unix time as sent (whole seconds, or with up to nine
 * decimals: {@code date +%s.%N}), a newline and the body (UTF-8). The key that matches names the caller, as on the
 * challenge wire. A request that is unsigned, wrongly signed, whose time is more than 300 s from the server's, or
 * that was already taken (the same time and body signed again: a replay) is refused with 401 and an {@code <error>}
 * body (503 when more signed requests came within 300 s than can be remembered: 200,000, a quarter of them from
 * one key's principal); a body over the maximum message
 * size with 413; anything but {@code POST /sss} with 404 or 405. Otherwise the reply is 200 with the component's XML
 * reply, an {@code <error>} included, exactly as the challenge wire would carry it. {@code GET /metrics}, when the
 * component provides metrics, answers them in OpenMetrics text without authentication (counts, not contents).
 */
public final class HttpTransport implements AutoCloseable {
    /** How far a request's time may be from the server's. */
    public static final long MAX_SKEW_SECONDS = 300;
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "SSS-HMAC-SHA256\\s+ts=((\\d{1,12})(?:\\.\\d{1,9})?)\\s*,\\s*sig=([0-9a-fA-F]{64})");
    /** The most signatures remembered against replays at once (about 60 bytes each). */
    private static final int REPLAY_CAPACITY = 200_000;
    private final JettyServer server;

    private HttpTransport(JettyServer server) {
        this.server = server;
    }

    /**
     * Starts serving.
     *
     * @param component the component's name (logs, request contexts)
     * @param listen    the address to bind
     * @param port      the port (0: any free one)
     * @param keys      the keys callers may sign with
     * @param maxBytes  the largest body accepted
     * @param handler   what to do with each message
     * @return the running transport
     * @throws IOException if the port cannot be bound
     */
    public static HttpTransport start(String component, String listen, int port, KeyRing keys, int maxBytes,
                                      MessageHandler handler) throws IOException {
        return start(component, listen, port, keys, maxBytes, handler, null);
    }

    /**
     * Starts serving, with {@code GET /metrics} (OpenMetrics text) as well.
     *
     * @param component the component's name (logs, request contexts)
     * @param listen    the address to bind
     * @param port      the port (0: any free one)
     * @param keys      the keys callers may sign with
     * @param maxBytes  the largest body accepted
     * @param handler   what to do with each message
     * @param metrics   the metrics text, or null for no {@code /metrics}
     * @return the running transport
     * @throws IOException if the port cannot be bound
     */
    public static HttpTransport start(String component, String listen, int port, KeyRing keys, int maxBytes,
                                      MessageHandler handler, Supplier<String> metrics)
            throws IOException {
        JettyServer server = JettyServer.start("sss-http-" + component, 64, listen, port,
                new SssHandler(component, keys, maxBytes, handler, metrics));
        LOG.info("{}: HTTP on {}:{} (POST /sss)", component, listen, server.port());
        return new HttpTransport(server);
    }

    /** @return the bound port */
    public int port() {
        return server.port();
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.close();
    }

    /** The one resource: POST /sss. */
    private static final class SssHandler extends Handler.Abstract {
        private final String component;
        private final KeyRing keys;
        private final int maxBytes;
        private final MessageHandler handler;
        private final Supplier<String> metrics;
        private final ReplayGuard replays = new ReplayGuard(MAX_SKEW_SECONDS, REPLAY_CAPACITY);

        SssHandler(String component, KeyRing keys, int maxBytes, MessageHandler handler,
                   Supplier<String> metrics) {
            this.component = component;
            this.keys = keys;
            this.maxBytes = maxBytes;
            this.handler = handler;
            this.metrics = metrics;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            String peer = "http:" + Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            if (metrics != null && "/metrics".equals(Request.getPathInContext(request)) && "GET".equals(request.getMethod())) {
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, OPENMETRICS);
                response.write(true, ByteBuffer.wrap(metrics.get().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
            if (!"/sss".equals(Request.getPathInContext(request))) {
                reply(response, callback, HttpStatus.NOT_FOUND_404, handler.errorReply(ErrorCode.NOT_FOUND,
                        "nothing here: POST XML messages to /sss"));
                return true;
            }
            if (!"POST".equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                reply(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, handler.errorReply(
                        ErrorCode.UNSUPPORTED_OPERATION, request.getMethod() + " /sss: only POST is served"));
                return true;
            }
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (!plausible(authorization)) {
                // Unsigned, malformed or stale: refused without keeping its body (which a stranger could make large).
                RequestBodies.discard(request, RequestBodies.DEADLINE).whenComplete((nothing, failure) -> {
                    try {
                        response.getHeaders().put(HttpHeader.CONNECTION, "close");
                        refuse(response, callback, peer, authorization);
                    } catch (Throwable e) {
                        callback.failed(e);
                    }
                });
                return true;
            }
            RequestBodies.read(request, maxBytes, RequestBodies.DEADLINE).whenComplete((outcome, failure) -> {
                try {
                    if (failure != null) {
                        callback.failed(failure);
                    } else if (outcome.failure() == null) {
                        answer(request, response, callback, outcome.body(), peer);
                    } else if (outcome.failure() == RequestBodies.Failure.TOO_LARGE) {
                        tooLarge(response, callback); // no length given, and more than maxBytes came
                    } else if (outcome.failure() == RequestBodies.Failure.TOO_SLOW) {
                        response.getHeaders().put(HttpHeader.CONNECTION, "close");
                        reply(response, callback, HttpStatus.REQUEST_TIMEOUT_408, handler.errorReply(ErrorCode.TIMED_OUT,
                                "the body did not come within " + RequestBodies.DEADLINE.toSeconds() + " s"));
                    } else {
                        callback.failed(outcome.cause()); // the client went away
                    }
                } catch (Throwable e) {
                    callback.failed(e);
                }
            });
            return true;
        }

        private void refuse(Response response, Callback callback, String peer, String authorization) {
            LOG.warn("{}: refused an HTTP request from {}: {}", component, peer, refusal(authorization));
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "SSS-HMAC-SHA256");
            reply(response, callback, HttpStatus.UNAUTHORIZED_401, handler.errorReply(ErrorCode.PERMISSION_DENIED,
                    refusal(authorization)));
        }

        private void tooLarge(Response response, Callback callback) {
            // The rest of the body is still on its way: the connection is closed after the answer, or those bytes
            // would be read as the client's next request on it (seen as 431, or a signature that does not match).
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, handler.errorReply(
                    ErrorCode.MESSAGE_TOO_LARGE, "the message is larger than " + maxBytes + " bytes"));
        }

        private void answer(Request request, Response response, Callback callback, byte[] body, String peer) {
            String text = utf8(body);
            if (text == null) {
                reply(response, callback, HttpStatus.BAD_REQUEST_400, handler.errorReply(ErrorCode.BAD_VALUE,
                        "the body is not UTF-8 (messages are UTF-8 XML, signed as sent)"));
                return;
            }
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            Optional<Principal> principal = authenticate(authorization, text);
            if (principal.isEmpty()) {
                refuse(response, callback, peer, authorization);
                return;
            }
            Matcher signed = AUTHORIZATION.matcher(authorization.strip());
            if (!signed.matches()) {
                throw new IllegalStateException("an authenticated request's signature no longer parses");
            }
            switch (replays.admit(Long.parseLong(signed.group(2)), signed.group(3), System.currentTimeMillis() / 1000,
                    principal.get().name())) {
                case REPLAYED -> {
                    String why = "replayed: this signed request (the same time and body) was already taken; sign each"
                            + " request anew, with a later ts (ts may carry decimals: date +%s.%N)";
                    LOG.warn("{}: refused an HTTP request from {} ({}): {}", component, peer, principal.get().name(), why);
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "SSS-HMAC-SHA256");
                    reply(response, callback, HttpStatus.UNAUTHORIZED_401,
                            handler.errorReply(ErrorCode.PERMISSION_DENIED, why));
                    return;
                }
                case FULL -> {
                    LOG.warn("{}: refused an HTTP request from {} ({}): too many signed requests within {} s", component,
                            peer, principal.get().name(), MAX_SKEW_SECONDS);
                    reply(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, handler.errorReply(
                            ErrorCode.UNAVAILABLE, "too many signed requests within " + MAX_SKEW_SECONDS
                                    + " s (from this key, or from all): try again shortly"));
                    return;
                }
                case FRESH -> { }
            }
            byte[] reply = handler.handle(body, new RequestContext(component, principal.get(), peer));
            reply(response, callback, HttpStatus.OK_200, reply);
        }

        /** @return the body as text, or {@code null} when it is not UTF-8 */
        private static String utf8(byte[] body) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }

        /** @return whether the header is a signature of the right form and time (its check needs the body) */
        private static boolean plausible(String authorization) {
            if (authorization == null) {
                return false;
            }
            Matcher m = AUTHORIZATION.matcher(authorization.strip());
            return m.matches()
                    && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(m.group(2))) <= MAX_SKEW_SECONDS;
        }

        private Optional<Principal> authenticate(String authorization, String body) {
            if (!plausible(authorization)) {
                return Optional.empty();
            }
            Matcher m = AUTHORIZATION.matcher(authorization.strip());
            if (!m.matches()) {
                return Optional.empty();
            }
            String signed = m.group(1) + "\n" + body;
            return keys.authenticate(Digest.HMAC_SHA256, signed, m.group(3).toLowerCase(Locale.ROOT));
        }

        private static String refusal(String authorization) {
            if (authorization == null) {
                return "unsigned: send Authorization: SSS-HMAC-SHA256 ts=UNIX,sig=HEX";
            }
            Matcher m = AUTHORIZATION.matcher(authorization.strip());
            if (!m.matches()) {
                return "malformed Authorization: expected SSS-HMAC-SHA256 ts=UNIX,sig=HEX";
            }
            if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(m.group(2))) > MAX_SKEW_SECONDS) {
                return "stale: ts is more than " + MAX_SKEW_SECONDS + " s from the server's time";
            }
            return "bad signature: no key of this suite signed it";
        }

        private static void reply(Response response, Callback callback, int status, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
