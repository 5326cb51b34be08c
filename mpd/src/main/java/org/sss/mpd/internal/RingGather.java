package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Asks every other member of the ring the same question at once and gathers their lines, within one deadline: a member
 * that cannot be reached, or has not answered when the deadline passes, gives one {@code ID ? unreachable: WHY} line
 * instead of its own. Before, members were asked one after the other, and each that accepted a connection and then
 * said nothing held the listing for as long as it stayed silent. Each question is asked on a virtual thread of its
 * own, at most {@value #AT_ONCE} at a time; those still asking at the deadline are interrupted, which closes their
 * sockets.
 */
public final class RingGather {
    /** Members asked at once (each a connection): a large ring's listings must not use up the mpd's descriptors. */
    static final int AT_ONCE = 32;

    /** How a member is asked: its lines, or an exception saying why not. */
    @FunctionalInterface
    public interface Question {
        /**
         * @param member the member to ask
         * @return its lines
         * @throws IOException               if it cannot be reached or its link breaks
         * @throws MalformedMessageException if its answer cannot be read
         */
        List<String> ask(Member member) throws IOException, MalformedMessageException;
    }

    private RingGather() {
    }

    /**
     * @param selfId   this mpd's id (its own lines come first, under it)
     * @param local    this mpd's own lines
     * @param others   the other members, in the order their lines are listed
     * @param question how each is asked
     * @param deadline how long to wait for all of them together
     * @return the lines, each prefixed with its member's id and a space, each ending with a newline
     */
    public static String gather(String selfId, List<String> local, List<Member> others, Question question,
                                Duration deadline) {
        StringBuilder all = new StringBuilder();
        for (String line : local) {
            all.append(selfId).append(' ').append(line).append('\n');
        }
        Map<String, String> answers = new ConcurrentHashMap<>();
        Map<String, String> inTime = Map.of();
        ExecutorService askers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Semaphore asking = new Semaphore(AT_ONCE);
            for (Member member : others) {
                askers.execute(() -> {
                    try {
                        asking.acquire();
                    } catch (InterruptedException e) {
                        return; // the deadline passed before its turn
                    }
                    try {
                        answers.put(member.id(), answer(member, question));
                    } finally {
                        asking.release();
                    }
                });
            }
            askers.shutdown();
            askers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inTime = Map.copyOf(answers); // before the late ones are interrupted, which ends them with other reasons
            askers.shutdownNow();
        }
        String late = " ? unreachable: no answer within " + (deadline.toMillis() % 1000 == 0
                ? deadline.toSeconds() + " s\n" : deadline.toMillis() + " ms\n");
        for (Member member : others) {
            all.append(inTime.getOrDefault(member.id(), member.id() + late));
        }
        return all.toString();
    }

    private static String answer(Member member, Question question) {
        StringBuilder lines = new StringBuilder();
        try {
            for (String line : question.ask(member)) {
                lines.append(member.id()).append(' ').append(line).append('\n');
            }
        } catch (IOException | MalformedMessageException | RuntimeException e) {
            return member.id() + " ? unreachable: " + e.getMessage() + "\n";
        }
        return lines.toString();
    }
}
