package org.sss.scheduler.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sss.scheduler.SchedulingPolicy;

/** Jobs that name nodes (sbatch --nodelist and --exclude, qsub -l nodes=node1+node2), under both policies. */
class NodeChoicePlanTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private final Planner backfill = new Planner();
    private final Planner firstFit = new Planner(SchedulingPolicy.FIRST_FIT);

    private static List<PlanNode> nodes(int count) {
        List<PlanNode> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new PlanNode("n" + i, 4, true));
        }
        return nodes;
    }

    private static QueuedJob job(String id, int nodes, int age, List<String> required, Set<String> excluded) {
        return new QueuedJob(id, "alice", nodes, 1, HOUR, 0, NOW.minus(Duration.ofMinutes(age)), required, excluded);
    }

    private static RunningJob running(String id, Duration left, String... nodes) {
        return new RunningJob(id, List.of(nodes), NOW.plus(left));
    }

    @Test
    void aRequiredNodeIsGivenAndTheRestFilledFromTheFreeOnes() {
        for (Planner planner : List.of(backfill, firstFit)) {
            Plan plan = planner.plan(NOW, nodes(4), List.of(), List.of(job("1", 2, 1, List.of("n3"), Set.of())),
                    List.of());
            assertThat(plan.starts()).containsExactly(new Plan.Start("1", List.of("n3", "n1"), false));
        }
    }

    @Test
    void anExcludedNodeIsNeverGiven() {
        for (Planner planner : List.of(backfill, firstFit)) {
            Plan plan = planner.plan(NOW, nodes(4), List.of(), List.of(job("1", 3, 1, List.of(), Set.of("n1", "n2"))),
                    List.of());
            assertThat(plan.starts()).isEmpty();
            assertThat(plan.waiting().get("1").reason()).isEqualTo("needs 3 node(s) with 1 slot(s), not excluded; 2 usable");
            plan = planner.plan(NOW, nodes(4), List.of(), List.of(job("1", 2, 1, List.of(), Set.of("n1", "n2"))),
                    List.of());
            assertThat(plan.starts()).containsExactly(new Plan.Start("1", List.of("n3", "n4"), false));
        }
    }

    @Test
    void aJobWhoseRequiredNodeIsBusyWaitsForItWhileOthersRunElsewhere() {
        Plan plan = backfill.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(30), "n1")), List.of(
                job("pinned", 1, 10, List.of("n1"), Set.of()),
                job("other", 1, 5, List.of(), Set.of())), List.of());
        assertThat(plan.starts()).extracting(Plan.Start::jobId).containsExactly("other");
        assertThat(plan.starts().getFirst().nodes()).doesNotContain("n1");
        Plan.Waiting pinned = plan.waiting().get("pinned");
        assertThat(pinned.reason()).contains("required node(s) busy: n1").contains("first in line");
        assertThat(pinned.expectedStart()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(pinned.expectedNodes()).containsExactly("n1");
    }

    @Test
    void theHeadsReservationHoldsItsRequiredNodesEvenWhenOthersFreeSooner() {
        Plan plan = backfill.plan(NOW, nodes(3), List.of(running("a", Duration.ofMinutes(10), "n1"),
                        running("b", Duration.ofMinutes(50), "n2")),
                List.of(job("pinned", 2, 10, List.of("n2"), Set.of())), List.of());
        assertThat(plan.starts()).isEmpty();
        assertThat(plan.waiting().get("pinned").expectedStart()).as("when n2 frees, not when the second node does")
                .isEqualTo(NOW.plus(Duration.ofMinutes(50)));
        assertThat(plan.waiting().get("pinned").expectedNodes()).contains("n2").hasSize(2);
    }

    @Test
    void aRequiredNodeThatIsDownOrUnknownKeepsOnlyThatJobWaiting() {
        List<PlanNode> nodes = new ArrayList<>(nodes(2));
        nodes.set(1, new PlanNode("n2", 4, false));
        for (Planner planner : List.of(backfill, firstFit)) {
            Plan plan = planner.plan(NOW, nodes, List.of(), List.of(
                    job("down", 1, 10, List.of("n2"), Set.of()),
                    job("unknown", 1, 9, List.of("n9"), Set.of()),
                    job("any", 1, 5, List.of(), Set.of())), List.of());
            assertThat(plan.starts()).containsExactly(new Plan.Start("any", List.of("n1"), false));
            assertThat(plan.waiting().get("down").reason()).startsWith("required node n2 is not available");
            assertThat(plan.waiting().get("unknown").reason()).startsWith("required node n9 is not available");
        }
    }

    @Test
    void underFirstFitAJobWaitingForItsBusyNodeStopsTheJobsBehindIt() {
        Plan plan = firstFit.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(30), "n1")), List.of(
                job("pinned", 1, 10, List.of("n1"), Set.of()),
                job("later", 1, 5, List.of(), Set.of())), List.of());
        assertThat(plan.starts()).isEmpty();
        assertThat(plan.waiting().get("later").reason()).isEqualTo("first-fit: behind job pinned");
    }

    @Test
    void twoJobsRequiringTheSameFreeNodeStartOneAtATime() {
        Plan plan = backfill.plan(NOW, nodes(2), List.of(), List.of(
                job("first", 1, 10, List.of("n2"), Set.of()),
                job("second", 1, 5, List.of("n2"), Set.of())), List.of());
        assertThat(plan.starts()).containsExactly(new Plan.Start("first", List.of("n2"), false));
        assertThat(plan.waiting().get("second").reason()).contains("required node(s) busy: n2");
    }

    @Test
    void aJobWhoseNamedNodeIsHeldWithoutAnEndDoesNotStopTheOthersUnderBackfill() {
        Plan plan = backfill.plan(NOW, nodes(4), List.of(new RunningJob("forever", List.of("n1"), null)), List.of(
                job("pinned", 1, 10, List.of("n1"), Set.of()),
                job("onlyN1", 1, 9, List.of(), Set.of("n2", "n3", "n4")),
                job("a", 1, 5, List.of(), Set.of()),
                job("b", 1, 4, List.of(), Set.of())), List.of());
        assertThat(plan.starts()).extracting(Plan.Start::jobId).containsExactly("a", "b");
        assertThat(plan.waiting().get("pinned").reason()).endsWith("; the nodes it may have are held with no known end");
        assertThat(plan.waiting().get("onlyN1").reason()).endsWith("; the nodes it may have are held with no known end");
    }

    @Test
    void aJobAskingForFeaturesGoesOnlyToNodesThatHaveThem() {
        List<PlanNode> nodes = List.of(new PlanNode("n1", 4, true), new PlanNode("n2", 4, true, Set.of("gpu", "ib")),
                new PlanNode("n3", 4, true, Set.of("gpu")));
        for (Planner planner : List.of(backfill, firstFit)) {
            QueuedJob both = new QueuedJob("both", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of("gpu", "ib"));
            QueuedJob gpus = new QueuedJob("gpus", "alice", 2, 1, HOUR, 0, NOW.plusSeconds(1), List.of(), Set.of(),
                    Set.of("gpu"));
            Plan plan = planner.plan(NOW, nodes, List.of(), List.of(both, gpus), List.of());
            assertThat(plan.starts()).as("both takes n2; gpus then finds one gpu node free")
                    .containsExactly(new Plan.Start("both", List.of("n2"), false));
            plan = planner.plan(NOW, nodes, List.of(), List.of(gpus), List.of());
            assertThat(plan.starts()).containsExactly(new Plan.Start("gpus", List.of("n2", "n3"), false));
            QueuedJob wide = new QueuedJob("wide", "alice", 3, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of("gpu"));
            plan = planner.plan(NOW, nodes, List.of(), List.of(wide), List.of());
            assertThat(plan.waiting().get("wide").reason()).isEqualTo("needs 3 node(s) with 1 slot(s) and feature(s) gpu; "
                    + "2 usable");
            QueuedJob pinned = new QueuedJob("pinned", "alice", 1, 1, HOUR, 0, NOW, List.of("n1"), Set.of(), Set.of("gpu"));
            plan = planner.plan(NOW, nodes, List.of(), List.of(pinned), List.of());
            assertThat(plan.waiting().get("pinned").reason()).startsWith("required node n1 is not available")
                    .endsWith("or without gpu)");
        }
    }

    @Test
    void aJobAskingForGpusGoesOnlyToNodesWithThatMany() {
        List<PlanNode> nodes = List.of(new PlanNode("n1", 4, true), new PlanNode("n2", 4, true, Set.of(), 1),
                new PlanNode("n3", 4, true, Set.of(), 4));
        for (Planner planner : List.of(backfill, firstFit)) {
            QueuedJob two = new QueuedJob("two", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 2);
            assertThat(planner.plan(NOW, nodes, List.of(), List.of(two), List.of()).starts())
                    .containsExactly(new Plan.Start("two", List.of("n3"), false));
            QueuedJob wide = new QueuedJob("wide", "alice", 2, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 1);
            assertThat(planner.plan(NOW, nodes, List.of(), List.of(wide), List.of()).starts())
                    .containsExactly(new Plan.Start("wide", List.of("n2", "n3"), false));
            QueuedJob one = new QueuedJob("one", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 1);
            QueuedJob four = new QueuedJob("four", "alice", 2, 1, HOUR, 0, NOW.plusSeconds(1), List.of(), Set.of(),
                    Set.of(), 4);
            Plan plan = planner.plan(NOW, nodes, List.of(), List.of(one, four), List.of());
            assertThat(plan.starts()).containsExactly(new Plan.Start("one", List.of("n2"), false));
            assertThat(plan.waiting().get("four").reason()).as("one pass, two GPU counts: each counted on its own")
                    .isEqualTo("needs 2 node(s) with 1 slot(s), 4 GPU(s); 1 usable");
            QueuedJob many = new QueuedJob("many", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 8);
            assertThat(planner.plan(NOW, nodes, List.of(), List.of(many), List.of()).waiting().get("many").reason())
                    .isEqualTo("needs 1 node(s) with 1 slot(s), 8 GPU(s); 0 usable");
        }
    }

    /**
     * A job in a reservation goes only on its nodes. One that cannot start now does not stop the jobs behind it under
     * first-fit; under backfill it is the head when the start kept for it ends inside the window (so smaller jobs
     * cannot take its nodes away one by one), and waits in no one's way when it would not.
     */
    @Test
    void aJobInAReservationGoesOnlyOnItsNodesAndIsTheHeadOnlyInsideItsWindow() {
        Instant end = NOW.plus(Duration.ofHours(2));
        Reservation window = new Reservation("res1", Set.of("n2", "n3"), NOW.minusSeconds(60), end, Set.of("alice"));
        QueuedJob inside = new QueuedJob("in", "alice", 1, 1, HOUR, 0, NOW.minusSeconds(10), List.of(), Set.of(),
                Set.of(), 0, Set.of("n3"), end);
        QueuedJob behind = job("behind", 1, 0, List.of(), Set.of());
        for (Planner planner : List.of(backfill, firstFit)) {
            Plan plan = planner.plan(NOW, nodes(3), List.of(), List.of(inside), List.of(window));
            assertThat(plan.starts()).as("n1 is free: still n3").containsExactly(new Plan.Start("in", List.of("n3"), false));
            plan = planner.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(30), "n3")), List.of(inside, behind),
                    List.of(window), true);
            assertThat(plan.starts()).as("its node busy: the job behind it starts").extracting(Plan.Start::jobId)
                    .containsExactly("behind");
            QueuedJob wide = new QueuedJob("wide", "alice", 3, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 0,
                    Set.of("n2", "n3"), end);
            assertThat(planner.plan(NOW, nodes(3), List.of(), List.of(wide), List.of(window), true).waiting().get("wide")
                    .reason()).isEqualTo("needs 3 node(s) with 1 slot(s) in its reservation; 2 usable");
        }
        QueuedJob pair = new QueuedJob("pair", "alice", 2, 1, HOUR, 0, NOW.minusSeconds(10), List.of(), Set.of(),
                Set.of(), 0, Set.of("n2", "n3"), end);
        QueuedJob small = new QueuedJob("small", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of());
        Plan plan = backfill.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(30), "n3")),
                List.of(pair, small), List.of(window), true);
        assertThat(plan.waiting().get("pair").expectedStart()).as("the head, inside its window")
                .isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(plan.starts()).as("the small job does not take n2 from it").containsExactly(
                new Plan.Start("small", List.of("n1"), true));
        QueuedJob late = new QueuedJob("late", "alice", 1, 1, HOUR, 0, NOW, List.of(), Set.of(), Set.of(), 0,
                Set.of("n3"), NOW.plus(Duration.ofMinutes(80)));
        plan = backfill.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(30), "n3")), List.of(late, small),
                List.of(window), true);
        assertThat(plan.waiting().get("late").expectedStart()).as("its window would end before it could: not the head")
                .isNull();
        assertThat(plan.waiting().get("late").reason()).endsWith("its reservation's nodes are not free in time within"
                + " its window");
    }
}
