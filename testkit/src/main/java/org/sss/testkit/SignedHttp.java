package org.sss.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.sss.lib.wire.Digest;

/**
 * Sends {@code POST /sss} as a client of the HTTP transport does: signed {@code SSS-HMAC-SHA256 ts=UNIX,sig=HEX} with
 * the HMAC of the time, a newline and the body (the same {@link Digest} the challenge wire uses). Each request's time
 * is later than the last one's, to the nanosecond, so that the same body sent twice is not taken for a replay.
 */
public final class SignedHttp {
    /** The time of the last request signed, in nanoseconds since the epoch. */
    private static final AtomicLong LAST = new AtomicLong();

    private SignedHttp() {
    }

    /**
     * @param client  the HTTP client
     * @param uri     e.g. {@code http://127.0.0.1:PORT/sss}
     * @param key     the key's secret, or {@code null} to send the request unsigned
     * @param body    the message
     * @param timeout how long to wait for the reply
     * @return the reply
     * @throws IOException          if the request fails
     * @throws InterruptedException if interrupted
     */
    public static HttpResponse<String> post(HttpClient client, URI uri, byte[] key, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            Instant now = Instant.now();
            long nanos = LAST.accumulateAndGet(now.getEpochSecond() * 1_000_000_000L + now.getNano(),
                    (last, clock) -> Math.max(last + 1, clock));
            String ts = String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
            String sig = Digest.HMAC_SHA256.answer(ts + "\n" + new String(body, StandardCharsets.UTF_8), key);
            request.header("Authorization", "SSS-HMAC-SHA256 ts=" + ts + ",sig=" + sig);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
