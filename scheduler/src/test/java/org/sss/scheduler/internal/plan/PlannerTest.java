package org.sss.scheduler.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner on hand-made situations. */
class PlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final Planner planner = new Planner();

    private static List<PlanNode> nodes(int count) {
        List<PlanNode> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new PlanNode("n" + i, 8, true));
        }
        return nodes;
    }

    private static QueuedJob job(String id, String user, int nodes, Duration walltime, long priority, int ageMinutes) {
        return new QueuedJob(id, user, nodes, 1, walltime, priority, NOW.minus(Duration.ofMinutes(ageMinutes)));
    }

    private static RunningJob running(String id, Duration left, String... nodes) {
        return new RunningJob(id, List.of(nodes), NOW.plus(left));
    }

    @Test
    void jobsStartByPriorityThenAgeWhileNodesLast() {
        Plan plan = planner.plan(NOW, nodes(2), List.of(), List.of(
                job("1", "alice", 1, Duration.ofMinutes(10), 0, 5),
                job("2", "bob", 1, Duration.ofMinutes(10), 10, 1),
                job("3", "carol", 1, Duration.ofMinutes(10), 0, 9)), List.of());
        assertThat(plan.starts()).extracting(Plan.Start::jobId).containsExactly("2", "3");
        assertThat(plan.starts()).extracting(Plan.Start::nodes).containsExactly(List.of("n1"), List.of("n2"));
        assertThat(plan.starts()).noneMatch(Plan.Start::backfill);
        assertThat(plan.waiting().get("1").reason()).startsWith("resources: needs 1 node(s), 0 free");
        assertThat(plan.waiting().get("1").expectedStart()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(plan.waiting().get("1").expectedNodes()).hasSize(1);
    }

    @Test
    void aShortJobBackfillsWhenItEndsBeforeTheWideJobsStart() {
        Plan plan = planner.plan(NOW, nodes(4), List.of(running("r", Duration.ofMinutes(60), "n1", "n2")), List.of(
                job("wide", "alice", 4, Duration.ofHours(1), 0, 10),
                job("short", "bob", 2, Duration.ofMinutes(30), 0, 5)), List.of());
        assertThat(plan.starts()).containsExactly(new Plan.Start("short", List.of("n3", "n4"), true));
        assertThat(plan.waiting().get("wide").expectedStart()).isEqualTo(NOW.plus(Duration.ofMinutes(60)));
        assertThat(plan.waiting().get("wide").expectedNodes()).as("the nodes its plan keeps")
                .containsExactly("n1", "n2", "n3", "n4");
        assertThat(plan.waiting().get("wide").reason()).contains("first in line");
    }

    @Test
    void aBackfillThatWouldDelayTheWideJobDoesNotRun() {
        Plan plan = planner.plan(NOW, nodes(4), List.of(running("r", Duration.ofMinutes(60), "n1", "n2")), List.of(
                job("wide", "alice", 4, Duration.ofHours(1), 0, 10),
                job("long", "bob", 1, Duration.ofMinutes(90), 0, 5),
                job("unlimited", "bob", 1, null, 0, 4)), List.of());
        assertThat(plan.starts()).isEmpty();
        assertThat(plan.waiting().get("long").reason()).contains("behind job wide");
        assertThat(plan.waiting().get("unlimited").reason()).contains("behind job wide");
    }

    @Test
    void aLongJobMayTakeANodeTheWideJobDoesNotNeed() {
        Plan plan = planner.plan(NOW, nodes(4), List.of(running("r", Duration.ofMinutes(60), "n1", "n2")), List.of(
                job("wide", "alice", 3, Duration.ofHours(1), 0, 10),
                job("long", "bob", 1, Duration.ofHours(5), 0, 5),
                job("second", "bob", 1, Duration.ofHours(5), 0, 4)), List.of());
        assertThat(plan.starts()).extracting(Plan.Start::jobId).containsExactly("long");
        assertThat(plan.starts().getFirst().nodes()).hasSize(1);
        assertThat(plan.waiting().get("wide").expectedStart()).isEqualTo(NOW.plus(Duration.ofMinutes(60)));
        assertThat(plan.waiting()).containsKey("second");
    }

    @Test
    void aReservationKeepsOthersOffItsNodesAndAdmitsItsUsers() {
        Reservation forAlice = new Reservation("res1", Set.of("n1"), NOW.plus(Duration.ofMinutes(10)),
                NOW.plus(Duration.ofHours(2)), Set.of("alice"));
        List<RunningJob> busy = List.of(running("r", Duration.ofHours(3), "n2"));
        Plan bobs = planner.plan(NOW, nodes(2), busy, List.of(job("b", "bob", 1, Duration.ofMinutes(30), 0, 5)),
                List.of(forAlice));
        assertThat(bobs.starts()).isEmpty();
        assertThat(bobs.waiting().get("b").reason()).contains("reservation res1");
        assertThat(bobs.waiting().get("b").expectedStart()).isEqualTo(NOW.plus(Duration.ofHours(2)));

        Plan quick = planner.plan(NOW, nodes(2), busy, List.of(job("q", "bob", 1, Duration.ofMinutes(5), 0, 5)),
                List.of(forAlice));
        assertThat(quick.starts()).containsExactly(new Plan.Start("q", List.of("n1"), false));

        Plan alices = planner.plan(NOW, nodes(2), busy, List.of(job("a", "alice", 1, Duration.ofMinutes(30), 0, 5)),
                List.of(forAlice));
        assertThat(alices.starts()).containsExactly(new Plan.Start("a", List.of("n1"), false));
    }

    @Test
    void whenTheHeadsStartCannotBeKnownNothingJumpsAhead() {
        List<RunningJob> unlimited = List.of(new RunningJob("r1", List.of("n1"), null),
                new RunningJob("r2", List.of("n2"), null));
        Plan plan = planner.plan(NOW, nodes(3), unlimited, List.of(
                job("wide", "alice", 2, Duration.ofMinutes(10), 0, 10),
                job("narrow", "bob", 1, Duration.ofMinutes(1), 0, 5)), List.of());
        assertThat(plan.starts()).isEmpty();
        assertThat(plan.waiting().get("wide").expectedStart()).isNull();
        assertThat(plan.waiting().get("narrow").reason()).contains("behind job wide");
    }

    /**
     * The head (all three nodes; n1 is held by a job without walltime) cannot know its start; a reservation's users may still use their own idle reserved node, when the
     * reservation keeps the head off it for their job's whole run; a job that would outlast the window may not.
     */
    @Test
    void whenTheHeadsStartCannotBeKnownAReservationsUsersStillUseTheirIdleNodes() {
        List<RunningJob> unlimited = List.of(new RunningJob("r1", List.of("n1"), null));
        Reservation forCarol = new Reservation("res1", Set.of("n3"), NOW.minus(Duration.ofMinutes(5)),
                NOW.plus(Duration.ofHours(1)), Set.of("carol"));
        Plan plan = planner.plan(NOW, nodes(3), unlimited, List.of(
                job("wide", "alice", 3, Duration.ofMinutes(10), 0, 10),
                job("inside", "carol", 1, Duration.ofMinutes(30), 0, 5),
                job("free", "bob", 1, Duration.ofMinutes(1), 0, 4)), List.of(forCarol));
        assertThat(plan.starts()).as("carol's job on her reserved node; bob's would take n2, which the head may need")
                .containsExactly(new Plan.Start("inside", List.of("n3"), true));
        assertThat(plan.waiting().get("wide").expectedStart()).isNull();

        Plan longer = planner.plan(NOW, nodes(3), unlimited, List.of(
                job("wide", "alice", 3, Duration.ofMinutes(10), 0, 10),
                job("outlasting", "carol", 1, Duration.ofHours(2), 0, 5)), List.of(forCarol));
        assertThat(longer.starts()).as("it would hold n3 past the window, where the head could then go").isEmpty();
    }

    @Test
    void aNodeThatIsNotUpIsNeverGivenOut() {
        List<PlanNode> nodes = List.of(new PlanNode("n1", 8, false), new PlanNode("n2", 8, true));
        Plan plan = planner.plan(NOW, nodes, List.of(), List.of(
                job("two", "alice", 2, Duration.ofMinutes(10), 5, 5),
                job("one", "bob", 1, Duration.ofMinutes(10), 0, 5),
                job("another", "bob", 1, Duration.ofMinutes(10), 0, 4)), List.of());
        assertThat(plan.starts()).containsExactly(new Plan.Start("one", List.of("n2"), false));
        assertThat(plan.waiting().get("two").reason()).isEqualTo("needs 2 node(s) with 1 slot(s); 1 usable");
        assertThat(plan.starts()).flatExtracting(Plan.Start::nodes).doesNotContain("n1");
    }

    @Test
    void aJobNeedingMoreSlotsThanANodeHasWaitsForOneThatDoes() {
        List<PlanNode> nodes = List.of(new PlanNode("small", 2, true), new PlanNode("big", 16, true));
        Plan plan = planner.plan(NOW, nodes, List.of(),
                List.of(new QueuedJob("wide", "alice", 1, 8, Duration.ofMinutes(5), 0, NOW)), List.of());
        assertThat(plan.starts()).containsExactly(new Plan.Start("wide", List.of("big"), false));
    }

    @Test
    void firstFitTakesJobsInSubmissionOrderAndNoneOvertakesTheFirstThatWaits() {
        Planner firstFit = new Planner(org.sss.scheduler.SchedulingPolicy.FIRST_FIT);
        Plan plan = firstFit.plan(NOW, nodes(3), List.of(running("r", Duration.ofMinutes(60), "n1")), List.of(
                job("urgent", "bob", 1, Duration.ofMinutes(10), 1000, 1),
                job("old", "alice", 1, Duration.ofMinutes(10), 0, 9),
                job("wide", "carol", 2, Duration.ofMinutes(10), 0, 5),
                job("small", "dave", 1, Duration.ofMinutes(10), 0, 3)), List.of());
        assertThat(plan.starts()).as("priority plays no part: the oldest first").extracting(Plan.Start::jobId)
                .containsExactly("old");
        assertThat(plan.starts().getFirst().nodes()).containsExactly("n2");
        assertThat(plan.waiting().get("wide").reason()).contains("first in line");
        assertThat(plan.waiting().get("wide").expectedStart()).as("first-fit plans nothing ahead").isNull();
        assertThat(plan.waiting().get("small").reason()).as("one free node, but it does not overtake")
                .isEqualTo("first-fit: behind job wide");
        assertThat(plan.waiting().get("urgent").reason()).isEqualTo("first-fit: behind job wide");
    }

    @Test
    void firstFitsJobKeptOffReservedNodesDoesNotStopTheJobsBehindIt() {
        Planner firstFit = new Planner(org.sss.scheduler.SchedulingPolicy.FIRST_FIT);
        Reservation forAlice = new Reservation("res1", Set.of("n3", "n4"), NOW.plus(Duration.ofMinutes(30)),
                NOW.plus(Duration.ofHours(2)), Set.of("alice"));
        Plan plan = firstFit.plan(NOW, nodes(4), List.of(), List.of(
                job("wide", "bob", 4, Duration.ofHours(1), 0, 9),
                job("small", "carol", 1, Duration.ofMinutes(10), 0, 5),
                job("hers", "alice", 2, Duration.ofHours(1), 0, 1)), List.of(forAlice));
        assertThat(plan.starts()).as("the wide job waits for the window; the others run")
                .extracting(Plan.Start::jobId).containsExactly("small", "hers");
        assertThat(plan.waiting().get("wide").reason()).contains("res1");
    }
}
