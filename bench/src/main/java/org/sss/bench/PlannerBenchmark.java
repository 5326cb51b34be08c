package org.sss.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sss.scheduler.internal.plan.Plan;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.scheduler.internal.plan.Planner;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.scheduler.internal.plan.Reservation;
import org.sss.scheduler.internal.plan.RunningJob;

/**
 * One scheduling pass (priority FIFO, EASY backfill, reservations) over 10,000 queued jobs on 4,096 simulated
 * nodes of 16 slots: 95 % of the nodes held by running jobs ending over the next 24 hours, 1 % drained, queued jobs
 * mostly narrow (1-4 nodes) with some wide ones (up to 512), walltimes from 10 minutes to a day, four priorities,
 * and (with {@code reservations=true}) eight reservations of 64 nodes each. The same seeded situation every time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlannerBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final int NODES = 4096;
    private static final int QUEUED = 10_000;

    /** Whether eight advance reservations are in force. */
    @Param({"false", "true"})
    public boolean reservations;

    private final Planner planner = new Planner();
    private List<PlanNode> nodes;
    private List<RunningJob> running;
    private List<QueuedJob> queued;
    private List<Reservation> reserved;

    /** Builds the situation. */
    @Setup
    public void setUp() {
        Random random = new Random(42);
        nodes = new ArrayList<>(NODES);
        for (int i = 0; i < NODES; i++) {
            nodes.add(new PlanNode("node" + i, 16, random.nextInt(100) != 0));
        }
        running = new ArrayList<>();
        int next = 0;
        int job = 0;
        while (next < NODES * 95 / 100) {
            int width = Math.min(1 + random.nextInt(32), NODES - next);
            List<String> held = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                held.add("node" + next++);
            }
            running.add(new RunningJob("r" + job++, held, NOW.plus(Duration.ofMinutes(1 + random.nextInt(24 * 60)))));
        }
        queued = new ArrayList<>(QUEUED);
        for (int i = 0; i < QUEUED; i++) {
            int width = random.nextInt(20) == 0 ? 64 << random.nextInt(4) : 1 + random.nextInt(4);
            queued.add(new QueuedJob(String.valueOf(100_000 + i), "user" + random.nextInt(50), width, 1 + random.nextInt(16),
                    Duration.ofMinutes(10 + random.nextInt(24 * 60)), random.nextInt(4),
                    NOW.minus(Duration.ofSeconds(random.nextInt(86_400)))));
        }
        reserved = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                names.add("node" + (r * 512 + i));
            }
            reserved.add(new Reservation("res" + r, names, NOW.plus(Duration.ofHours(r)), NOW.plus(Duration.ofHours(r + 4)),
                    Set.of("user" + r)));
        }
    }

    /** @return one pass's plan */
    @Benchmark
    public Plan onePass() {
        return planner.plan(NOW, nodes, running, queued, reservations ? reserved : List.of());
    }
}
