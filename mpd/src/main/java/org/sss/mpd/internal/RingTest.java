package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * mpdringtest's measurement: one {@code ringtest} message sent around the ring a number of times, timed by the
 * mpd that started it. Every other member passes the message to its right neighbour as it came; the origin counts
 * a loop and sends it round again until none is left, then reports the loops, the time, the hops and the ring's
 * size. A hop reads the right neighbour's link without the ring's lock, so a test never waits on a repair; a
 * message lost to a repair leaves its test unanswered, as in MPD. Thread-safe.
 */
public final class RingTest {
    private final Ring ring;
    private final List<Running> running = new ArrayList<>();

    /**
     * A finished ring test.
     *
     * @param loops        times around the ring
     * @param elapsedNanos how long it took (negative if it could not be sent)
     * @param hops         messages passed from one mpd to the next
     * @param size         members in the ring
     */
    public record Result(long loops, long elapsedNanos, long hops, int size) {
    }

    private record Running(long id, long loops, int size, long startNanos, Consumer<Result> result) {
    }

    /** @param ring the ring whose right neighbour the message goes to */
    public RingTest(Ring ring) {
        this.ring = ring;
    }

    /**
     * Handles {@code ringtest-start} from a console: starts a test and answers {@code ringtest-done} when it ends.
     *
     * @param console the console
     * @param message the request, with {@code loops}
     * @throws MalformedMessageException if {@code loops} is missing
     */
    public void onStart(Link console, MpdMessage message) throws MalformedMessageException {
        start(message.number("loops"), result -> console.trySend(MpdMessage.of("ringtest-done").with("loops", result.loops())
                .with("nanos", result.elapsedNanos()).with("hops", result.hops()).with("size", result.size()).build()));
    }

    /**
     * Sends a message around the ring {@code loops} times and reports how long that took.
     *
     * @param loops  how many times around
     * @param result receives elapsed nanoseconds and the ring size, or an error
     */
    public void start(long loops, Consumer<Result> result) {
        Link right = ring.rightLink();
        int size = ring.membership().size();
        long id = System.nanoTime();
        if (right == null) {
            result.accept(new Result(loops, 0, 0, size));
            return;
        }
        Running test = new Running(id, loops, size, System.nanoTime(), result);
        synchronized (running) {
            running.add(test);
        }
        if (!right.trySend(message(id, loops))) {
            synchronized (running) {
                running.remove(test);
            }
            result.accept(new Result(loops, -1, 0, size));
        }
    }

    private MpdMessage message(long id, long remaining) {
        return MpdMessage.of("ringtest").with("origin", ring.self().id()).with("test", id).with("left", remaining).build();
    }

    /**
     * Handles a circulating {@code ringtest}: forwards it, or (at its origin) counts a loop.
     *
     * @param message the message
     * @throws MalformedMessageException if the origin's fields are missing
     */
    public void onRingTest(MpdMessage message) throws MalformedMessageException {
        Link right = ring.rightLink();
        if (!ring.self().id().equals(message.get("origin"))) {
            if (right != null) {
                right.trySend(message);
            }
            return;
        }
        long id = message.number("test");
        long left = message.number("left") - 1;
        if (left > 0 && right != null) {
            right.trySend(message(id, left));
            return;
        }
        Running done = null;
        synchronized (running) {
            for (Running test : running) {
                if (test.id == id) {
                    done = test;
                }
            }
            running.remove(done);
        }
        if (done != null) {
            done.result.accept(new Result(done.loops, System.nanoTime() - done.startNanos, done.loops * done.size,
                    done.size));
        }
    }
}
