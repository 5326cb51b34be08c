package org.sss.lib.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request's body without holding a thread, within a size and a time. A client that sends a request's head and
 * then trickles its body (the idle timeout restarts with every byte) would otherwise keep a handler thread for as long
 * as it went on, and a few dozen such clients would take every thread; read this way it holds only its connection,
 * and only until the deadline. Stateless.
 */
public final class RequestBodies {
    /** The longest a request's body may take to arrive whole. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private RequestBodies() {
    }

    /** Why a body was not read. */
    public enum Failure {
        /** More than the most it may be. */
        TOO_LARGE,
        /** Not whole by the deadline. */
        TOO_SLOW,
        /** The connection failed (the client went away). */
        GONE
    }

    /**
     * What the read came to.
     *
     * @param body    the body, or null if it was not read
     * @param failure why not, or null
     * @param cause   the connection's failure, for {@link Failure#GONE}; else null
     */
    public record Outcome(byte[] body, Failure failure, Throwable cause) {
    }

    /**
     * Reads a request's body and drops it, without holding a thread, for a request refused before its body was
     * looked at: a refusal sent while the client still sends would make the close reset the connection, and the
     * client would see no answer at all.
     *
     * @param request  the request
     * @param deadline the longest to read for (then the refusal goes out and the connection is closed)
     * @return completed once the body is read, or the client has gone, or the deadline has passed
     */
    public static CompletableFuture<Void> discard(Request request, Duration deadline) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Scheduler.Task timer = request.getComponents().getScheduler().schedule(() -> done.complete(null),
                deadline.toMillis(), TimeUnit.MILLISECONDS);
        Content.Source.consumeAll(request, Callback.from(() -> done.complete(null), failure -> done.complete(null)));
        return done.whenComplete((nothing, failure) -> timer.cancel());
    }

    /**
     * @param request  the request
     * @param maxBytes the most the body may be
     * @param deadline the longest it may take
     * @return the outcome, completed on one of the server's threads
     */
    public static CompletableFuture<Outcome> read(Request request, int maxBytes, Duration deadline) {
        CompletableFuture<byte[]> reading = Content.Source.asByteArrayAsync(request, maxBytes);
        Scheduler.Task timer = request.getComponents().getScheduler().schedule(
                () -> reading.completeExceptionally(new TimeoutException("the body did not come within " + deadline)),
                deadline.toMillis(), TimeUnit.MILLISECONDS);
        return reading.handle((body, failure) -> {
            timer.cancel();
            if (failure == null) {
                return new Outcome(body, null, null);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                return new Outcome(null, Failure.TOO_SLOW, null);
            }
            if (cause instanceof IllegalStateException) {
                return new Outcome(null, Failure.TOO_LARGE, null); // how Jetty says "more than maxBytes"
            }
            return new Outcome(null, Failure.GONE, cause);
        });
    }
}
