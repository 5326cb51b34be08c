package org.sss.testkit;

import java.io.IOException;
import java.util.List;

/**
 * "Memory stays bounded", checked on a component forked with {@link #OPTIONS}: a 64 MB heap whose exhaustion ends
 * the process. A case that needed more than that heap leaves the component dead, which {@link #drive} catches after
 * each case; a case that left its bytes behind shows in the live heap after a full collection, which may grow by at
 * most {@link #RETAINED_BYTES} over the whole corpus.
 */
public final class SmallHeap {
    /** JVM options for the component under test. */
    public static final List<String> OPTIONS = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
    /** How much the live heap may grow over a whole corpus. */
    public static final long RETAINED_BYTES = 8L * 1024 * 1024;

    private SmallHeap() {
    }

    /** What one case does to the target. */
    @FunctionalInterface
    public interface Attack<C> {
        /**
         * @param hostile the case
         * @return "error" or "closed" when the target refused it; anything else is a failure
         * @throws IOException if the target cannot be reached
         */
        String send(C hostile) throws IOException;
    }

    /**
     * Sends every case; after each the target must be alive and serve; prints the live heap before and after.
     *
     * @param name   the target's name, for messages
     * @param target the forked component
     * @param cases  the cases
     * @param attack sends one case
     * @param serves checks that it still serves
     * @param <C>    the cases' type
     * @throws IOException          if the target cannot be reached
     * @throws InterruptedException if interrupted
     * @throws AssertionError       naming the case that was not refused, killed the target, or the heap's growth
     */
    public static <C> void drive(String name, ForkedComponent target, List<C> cases, Attack<C> attack,
                                 HostileHttp.ServesCheck serves) throws IOException, InterruptedException {
        serves.run();
        long before = target.liveHeapBytes();
        for (C hostile : cases) {
            String outcome = attack.send(hostile);
            if (!outcome.equals("error") && !outcome.equals("closed")) {
                throw new AssertionError(name + ": " + hostile + " was answered " + outcome);
            }
            if (!target.isAlive()) {
                throw new AssertionError(name + " died of " + hostile + "; its log:\n" + target.output());
            }
            serves.run();
        }
        long after = target.liveHeapBytes();
        System.out.printf("hostile input, 64 MB heap: %s took %d cases; live heap %.1f MB before, %.1f MB after%n", name,
                cases.size(), before / 1048576.0, after / 1048576.0);
        if (after - before >= RETAINED_BYTES) {
            throw new AssertionError(name + "'s live heap grew by " + (after - before) + " bytes over the corpus");
        }
    }
}
