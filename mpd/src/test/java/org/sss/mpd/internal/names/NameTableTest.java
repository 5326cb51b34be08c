package org.sss.mpd.internal.names;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sss.mpd.internal.names.NameTable.Answers;
import org.sss.mpd.internal.names.NameTable.Entry;
import org.sss.mpd.internal.names.NameTable.Limits;
import org.sss.mpd.internal.names.NameTable.Persistence;
import org.sss.mpd.internal.names.NameTable.Publisher;
import org.sss.mpd.internal.names.NameTable.Status;

/** The ring's table of published names: per user, bounded, with waiting lookups and names that go with their job. */
class NameTableTest {
    private static final Publisher JOB_A = new Publisher("1@n0", 0, "n1");
    private static final Publisher JOB_B = new Publisher("2@n0", 3, "n2");
    private final NameTable table = new NameTable(new Limits(16, 32, 4, 2, 3));

    /** One lookup's outcome. */
    private static final class Result implements NameTable.Answer {
        final List<Status> statuses = new ArrayList<>();
        Map<String, Entry> found = Map.of();

        @Override
        public void answer(Status status, Map<String, Entry> entries) {
            statuses.add(status);
            found = entries;
        }
    }

    private Status publish(String user, Publisher who, Persistence persistence, String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        Answers answers = new Answers();
        Status status = table.publish(user, who, persistence, values, answers);
        answers.run();
        return status;
    }

    private Result lookup(String user, Publisher asker, boolean wait, long deadline, String... names) {
        Result result = new Result();
        Answers answers = new Answers();
        table.lookup(user, List.of(names), asker, wait, deadline, result, answers);
        answers.run();
        return result;
    }

    @Test
    void aNameIsFoundByItsUserOnlyWithItsPublisher() {
        assertThat(publish("alice", JOB_A, Persistence.JOB, "ocean", "port-1")).isEqualTo(Status.OK);
        Result found = lookup("alice", JOB_B, false, 0, "ocean");
        assertThat(found.statuses).containsExactly(Status.OK);
        assertThat(found.found).containsOnlyKeys("ocean");
        assertThat(found.found.get("ocean").value()).isEqualTo("port-1");
        assertThat(found.found.get("ocean").publisher()).isEqualTo(JOB_A);
        assertThat(lookup("bob", JOB_B, false, 0, "ocean").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(lookup("alice", JOB_B, false, 0, "river").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(publish("bob", JOB_B, Persistence.JOB, "ocean", "bobs")).as("bob has names of his own")
                .isEqualTo(Status.OK);
        assertThat(lookup("alice", JOB_B, false, 0, "ocean").found.get("ocean").value()).isEqualTo("port-1");
    }

    @Test
    void aSecondPublishOfANameIsRefusedAndNothingOfItIsKept() {
        publish("alice", JOB_A, Persistence.JOB, "ocean", "port-1");
        assertThat(publish("alice", JOB_B, Persistence.JOB, "sea", "s", "ocean", "port-2")).isEqualTo(Status.EXISTS);
        assertThat(lookup("alice", JOB_B, false, 0, "sea").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(lookup("alice", JOB_B, false, 0, "ocean").found.get("ocean").value()).isEqualTo("port-1");
    }

    @Test
    void unpublishRemovesNamedOnesOrAllOfTheJobsFromItsHost() {
        publish("alice", JOB_A, Persistence.JOB, "a", "1", "b", "2");
        publish("alice", JOB_B, Persistence.JOB, "c", "3");
        assertThat(table.unpublish("alice", JOB_B, List.of("a"))).isEqualTo(Status.OK);
        assertThat(table.unpublish("alice", JOB_B, List.of("a"))).isEqualTo(Status.NOT_FOUND);
        assertThat(table.unpublish("bob", JOB_A, List.of("b"))).as("not bob's").isEqualTo(Status.NOT_FOUND);
        assertThat(table.unpublish("alice", JOB_A, List.of())).isEqualTo(Status.OK);
        assertThat(table.size("alice")).isEqualTo(1);
        assertThat(lookup("alice", JOB_A, false, 0, "c").statuses).containsExactly(Status.OK);
    }

    @Test
    void limitsOnLengthsCountsAndRequestsRefuseWithoutEffect() {
        assertThat(publish("alice", JOB_A, Persistence.JOB, "x".repeat(17), "p")).isEqualTo(Status.INVALID);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "", "p")).isEqualTo(Status.INVALID);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "long", "p".repeat(33))).isEqualTo(Status.INVALID);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "a", "1", "b", "2", "c", "3", "d", "4"))
                .as("more names than one request may carry").isEqualTo(Status.INVALID);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "a", "1", "b", "2", "c", "3")).isEqualTo(Status.OK);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "d", "4", "e", "5")).isEqualTo(Status.TOO_MANY);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "d", "4")).isEqualTo(Status.OK);
        assertThat(publish("alice", JOB_A, Persistence.JOB, "e", "5")).isEqualTo(Status.TOO_MANY);
        assertThat(publish("bob", JOB_A, Persistence.JOB, "e", "5")).as("a limit per user").isEqualTo(Status.OK);
        assertThat(table.size("alice")).isEqualTo(4);
        assertThat(lookup("alice", JOB_A, false, 0, "a", "b", "c", "d").statuses).as("more names than a request")
                .containsExactly(Status.INVALID);
    }

    @Test
    void aWaitingLookupIsAnsweredWhenAllItsNamesArePublished() {
        Result waiting = lookup("alice", JOB_B, true, Long.MAX_VALUE, "a", "b");
        assertThat(waiting.statuses).isEmpty();
        Result otherUser = lookup("bob", JOB_B, true, Long.MAX_VALUE, "a");
        publish("alice", JOB_A, Persistence.JOB, "a", "1");
        assertThat(waiting.statuses).as("b is not there yet").isEmpty();
        publish("alice", JOB_A, Persistence.JOB, "b", "2");
        assertThat(waiting.statuses).containsExactly(Status.OK);
        assertThat(waiting.found).containsOnlyKeys("a", "b");
        assertThat(otherUser.statuses).as("alice's names are not bob's").isEmpty();
        assertThat(table.waiting()).isEqualTo(1);
    }

    @Test
    void aWaitGivesUpAtItsDeadlineAndWaitsAreBoundedPerUser() {
        long now = System.nanoTime();
        Result soon = lookup("alice", JOB_B, true, now + 1_000, "a");
        Result later = lookup("alice", JOB_B, true, now + 1_000_000_000_000L, "a");
        Result third = lookup("alice", JOB_B, true, Long.MAX_VALUE, "a");
        assertThat(third.statuses).containsExactly(Status.TOO_MANY);
        Answers answers = new Answers();
        table.expire(now + 2_000, answers);
        answers.run();
        assertThat(soon.statuses).containsExactly(Status.TIMEOUT);
        assertThat(later.statuses).isEmpty();
        assertThat(table.waiting()).isEqualTo(1);
    }

    @Test
    void namesGoWithTheirJobUnlessIndefiniteAndAllGoWithTheirHost() {
        publish("alice", JOB_A, Persistence.JOB, "job", "1");
        publish("alice", JOB_A, Persistence.INDEFINITE, "kept", "2");
        publish("alice", JOB_B, Persistence.JOB, "other", "3");
        Result waitOfA = lookup("alice", JOB_A, true, Long.MAX_VALUE, "never");
        table.jobEnded(JOB_A.jid(), "elsewhere");
        assertThat(table.size("alice")).as("the job's ranks on another host ended").isEqualTo(3);
        table.jobEnded(JOB_A.jid(), JOB_A.host());
        assertThat(lookup("alice", JOB_B, false, 0, "job").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(lookup("alice", JOB_B, false, 0, "kept").statuses).containsExactly(Status.OK);
        assertThat(table.waiting()).as("the ended job's wait is dropped").isZero();
        assertThat(waitOfA.statuses).isEmpty();
        table.hostGone(JOB_A.host());
        assertThat(lookup("alice", JOB_B, false, 0, "kept").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(lookup("alice", JOB_B, false, 0, "other").statuses).containsExactly(Status.OK);
    }

    @Test
    void aFirstReadNameIsFoundOnce() {
        publish("alice", JOB_A, Persistence.FIRST_READ, "once", "1");
        assertThat(lookup("alice", JOB_B, false, 0, "once").statuses).containsExactly(Status.OK);
        assertThat(lookup("alice", JOB_B, false, 0, "once").statuses).containsExactly(Status.NOT_FOUND);
        assertThat(table.size("alice")).isZero();
    }

    @Test
    void statusesReadBackFromTheirWireNames() {
        for (Status status : Status.values()) {
            assertThat(Status.of(status.wire())).isEqualTo(status);
        }
        assertThat(Status.of("nonsense")).isEqualTo(Status.INVALID);
    }
}
