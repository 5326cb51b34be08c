package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.schema.CreatepgType;
import org.sss.schema.PgRestrictionType;

class GroupTableTest {
    private static final Principal ALICE = new Principal("alice", Role.USER, "alice");
    private static final Principal ADMIN = new Principal("admin", Role.ADMIN, null);

    private static ProcessGroup group(long number, String submitter, String creator) {
        return new ProcessGroup(Long.toString(number), "pg:" + number + ":ab", number, submitter, creator, "label",
                "<x/>".getBytes(StandardCharsets.UTF_8), new CreatepgType(), Instant.EPOCH, new String[] {"a"},
                new String[] {null}, 1024);
    }

    private static ProcessGroup ended(ProcessGroup group, Instant when) {
        group.end(0, null, when);
        group.recorded().complete(null);
        return group;
    }

    private static PgRestrictionType restriction(String pgid, String state) {
        PgRestrictionType restriction = new PgRestrictionType();
        restriction.setPgid(pgid);
        restriction.setState(state);
        return restriction;
    }

    @Test
    void aPgidIsTakenOnceAndOnlyTheSameGroupIsRemoved() {
        GroupTable table = new GroupTable();
        ProcessGroup first = group(1, "alice", "user alice");
        assertThat(table.add(first)).isTrue();
        ProcessGroup same = group(1, "bob", "user bob");
        assertThat(table.add(same)).isFalse();
        table.remove(same);
        assertThat(table.get("1")).isSameAs(first);
        table.remove(first);
        assertThat(table.get("1")).isNull();
        assertThat(table.all()).isEmpty();
    }

    @Test
    void aRecordedEndMovesTheGroupToTheHistoryAndQueriesForRunningGroupsSkipIt() throws SssException {
        GroupTable table = new GroupTable();
        ProcessGroup running = group(1, "alice", "user alice");
        running.launched("1@node1");
        ProcessGroup done = group(2, "alice", "user alice");
        table.add(running);
        table.add(done);
        ended(done, Instant.EPOCH);
        table.recorded(done);
        assertThat(table.history()).containsExactly(done);
        assertThat(table.select(List.of(restriction("*", "running")), ALICE)).containsExactly(running);
        assertThat(table.select(List.of(restriction("*", "ended")), ALICE)).containsExactly(done);
        assertThat(table.select(List.of(restriction("*", null)), ALICE)).containsExactly(running, done);
        assertThat(table.countByState()).containsEntry("running", 1L).containsEntry("ended", 1L)
                .containsEntry("starting", 0L);
    }

    @Test
    void anExplicitPgidOfSomeoneElseIsRefusedAndAMissingOneIsNotFound() throws SssException {
        GroupTable table = new GroupTable();
        table.add(group(1, "bob", "user bob"));
        assertThatThrownBy(() -> table.select(List.of(restriction("1", null)), ALICE))
                .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThatThrownBy(() -> table.select(List.of(restriction("9", null)), ALICE))
                .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(table.select(List.of(restriction("*", null)), ALICE)).as("wildcards skip others' groups").isEmpty();
    }

    @Test
    void retentionExpiresOldEndsOfGroupsNoComponentIsToDelete() throws SssException {
        GroupTable table = new GroupTable();
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        ProcessGroup old = ended(group(1, "alice", "user alice"), now.minusSeconds(7200));
        ProcessGroup recent = ended(group(2, "alice", "user alice"), now.minusSeconds(60));
        ProcessGroup queued = ended(group(3, "alice", "component queue-manager"), now.minusSeconds(7200));
        ProcessGroup running = group(4, "alice", "admin root");
        for (ProcessGroup group : List.of(old, recent, queued, running)) {
            table.add(group);
        }
        assertThat(table.history()).as("restored ends start in the history").containsExactly(old, recent, queued);
        assertThat(table.expired(now.minusSeconds(3600))).containsExactly(old);
        assertThat(table.select(List.of(restriction("*", null)), ADMIN)).containsExactly(old, recent, queued, running);
    }
}
