package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sss.lib.wire.Endpoint;

/** Every member is asked at once; the silent and the unreachable give a line saying so, within one deadline. */
class RingGatherTest {
    private static Member member(String id) {
        return new Member(id, id, new Endpoint("127.0.0.1", 1));
    }

    @Test
    void silentMembersDoNotHoldTheListingPastItsDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        List<Member> others = List.of(member("b"), member("c"), member("d"), member("e"));
        long started = System.nanoTime();
        String all = RingGather.gather("a", List.of("1 x"), others, member -> switch (member.id()) {
            case "b" -> List.of("2 y", "3 z");
            case "c" -> throw new IOException("connection refused");
            default -> {
                try {
                    never.await(); // c and d accept and never answer
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw new IOException("interrupted");
                }
                yield List.of();
            }
        }, Duration.ofMillis(500));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(all).isEqualTo("a 1 x\nb 2 y\nb 3 z\nc ? unreachable: connection refused\n"
                + "d ? unreachable: no answer within 500 ms\ne ? unreachable: no answer within 500 ms\n");
        // Asked one after the other, the two silent members alone would take twice the deadline.
        assertThat(tookMillis).isLessThan(900);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() == 2);
    }

    @Test
    void aLargeRingIsAskedAFewAtATime() {
        java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        List<Member> others = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            others.add(member("m" + i));
        }
        String all = RingGather.gather("a", List.of(), others, member -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.yield();
                return List.of("x");
            } finally {
                now.decrementAndGet();
            }
        }, Duration.ofSeconds(20));
        assertThat(all.lines()).hasSize(200).allMatch(line -> line.endsWith(" x"));
        assertThat(most.get()).isLessThanOrEqualTo(RingGather.AT_ONCE);
    }
}
