package org.sss.processmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.runtime.Events;
import org.sss.lib.store.Outbox;
import org.sss.schema.PgType;
import org.sss.schema.SuiteEvent;

class GroupStoreTest {
    @TempDir
    Path dir;

    /** A group recorded as the process manager records one: starting, then with its launched job. */
    private static void insertRunning(GroupStore store, GroupStore.NewGroup group, long number, String jid, String tag)
            throws SQLException {
        store.insertStarting(group, number, tag);
        store.markLaunched(group.pgid(), jid);
    }

    /** The event a group's end is recorded with, typed as the process manager makes it. */
    private static Outbox.Event end(String pgid, int status) {
        PgType pg = new PgType();
        pg.setPgid(pgid);
        pg.setExitStatus(status);
        return new Outbox.Event(Events.processGroup(SuiteEvent.PROCESS_GROUP_END, "process-manager", pg));
    }

    private static GroupStore.NewGroup group(String pgid) {
        return new GroupStore.NewGroup(pgid, "alice", "user alice", 2, "label", "<x/>".getBytes(StandardCharsets.UTF_8),
                Instant.ofEpochMilli(1000));
    }

    @Test
    void pgidsAreUniqueAndTheHighestNumberIsRemembered() throws IOException, SQLException {
        Path file = dir.resolve("pm.db");
        try (GroupStore store = GroupStore.open(file)) {
            assertThat(store.lastNumber()).isZero();
            insertRunning(store, group("1"), 1, "1@n", "pg:1:a");
            insertRunning(store, group("job-17"), 5, "2@n", "pg:job-17:b");
            insertRunning(store, group("3"), 3, "3@n", "pg:3:c");
            assertThatThrownBy(() -> insertRunning(store, group("job-17"), 6, "4@n", "pg:job-17:d"))
                    .isInstanceOf(SQLException.class);
        }
        try (GroupStore store = GroupStore.open(file)) {
            assertThat(store.lastNumber()).isEqualTo(5);
            assertThat(store.loadAll()).extracting(GroupStore.StoredGroup::pgid).containsExactly("1", "3", "job-17");
            assertThat(store.loadAll()).extracting(GroupStore.StoredGroup::tag).containsExactly("pg:1:a", "pg:3:c", "pg:job-17:b");
        }
    }

    @Test
    void aGroupIsRecordedBeforeItsLaunchAndItsJobAfter() throws IOException, SQLException {
        Path file = dir.resolve("pm.db");
        try (GroupStore store = GroupStore.open(file)) {
            store.insertStarting(group("job-1-1"), 1, "pg:job-1-1:a");
            store.insertStarting(group("job-2-1"), 2, "pg:job-2-1:b");
            assertThatThrownBy(() -> store.insertStarting(group("job-2-1"), 3, "pg:job-2-1:c")).isInstanceOf(SQLException.class);
            store.markLaunched("job-1-1", "7@node1");
        }
        try (GroupStore store = GroupStore.open(file)) {
            assertThat(store.lastNumber()).isEqualTo(2);
            assertThat(store.loadAll()).extracting(GroupStore.StoredGroup::pgid, GroupStore.StoredGroup::state,
                    GroupStore.StoredGroup::jid, GroupStore.StoredGroup::tag).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("job-1-1", "running", "7@node1", "pg:job-1-1:a"),
                    org.assertj.core.groups.Tuple.tuple("job-2-1", "starting", "", "pg:job-2-1:b"));
            store.delete(List.of("job-2-1"));
            assertThat(store.loadAll()).extracting(GroupStore.StoredGroup::pgid).containsExactly("job-1-1");
        }
    }

    @Test
    void aGroupsLifeSurvivesReopening() throws IOException, SQLException {
        Path file = dir.resolve("pm.db");
        try (GroupStore store = GroupStore.open(file)) {
            insertRunning(store, group("1"), 1, "3@node1", "pg:1:a");
            insertRunning(store, group("2"), 2, "4@node1", "pg:2:b");
            store.recordEnd(new GroupStore.GroupEnd("1", 3, "rank 1 exited with status 3", Instant.ofEpochMilli(5000),
                    List.of(new GroupStore.ProcessEnd(0, "node1", 100, 0, 0), new GroupStore.ProcessEnd(1, "node2", 101, 3, 0)),
                    List.of(new GroupStore.CoProcessRecord("node1", "tv", 0, 127, "not found")),
                    "out".getBytes(StandardCharsets.UTF_8), new byte[0], true, false,
                    new org.sss.mpd.client.JobEvent.Usage(2_500_000_000L, 104857600L)),
                    end("1", 3));
            store.markReleased("1");
        }
        try (GroupStore store = GroupStore.open(file)) {
            List<GroupStore.StoredGroup> groups = store.loadAll();
            assertThat(groups).extracting(GroupStore.StoredGroup::pgid).containsExactly("1", "2");
            GroupStore.StoredGroup ended = groups.getFirst();
            assertThat(ended.state()).isEqualTo("ended");
            assertThat(ended.released()).isTrue();
            assertThat(ended.jid()).isEqualTo("3@node1");
            assertThat(ended.end().exitStatus()).isEqualTo(3);
            assertThat(ended.end().processes()).extracting(GroupStore.ProcessEnd::host).containsExactly("node1", "node2");
            assertThat(ended.end().coProcesses()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(127));
            assertThat(new String(ended.end().stdout(), StandardCharsets.UTF_8)).isEqualTo("out");
            assertThat(ended.end().stdoutTruncated()).isTrue();
            assertThat(ended.end().usage()).as("measured use survives too")
                    .isEqualTo(new org.sss.mpd.client.JobEvent.Usage(2_500_000_000L, 104857600L));
            assertThat(groups.get(1).state()).isEqualTo("running");
            assertThat(groups.get(1).end()).isNull();
            List<Outbox.Pending> events = store.outbox().pending(10);
            assertThat(events).singleElement().satisfies(pending -> {
                assertThat(pending.msg()).isEqualTo("process-group-end");
                assertThat(pending.event().getProcessGroup().getPgid()).as("typed, read back").isEqualTo("1");
                assertThat(pending.event().getProcessGroup().getExitStatus()).isEqualTo(3);
            });
            store.outbox().publishedUpTo(events.getFirst().id());
            assertThat(store.outbox().pending(10)).isEmpty();
        }
    }

    @Test
    void groupsAreDeletedTogetherAndTheOthersKept() throws IOException, SQLException {
        Path file = dir.resolve("pm.db");
        try (GroupStore store = GroupStore.open(file)) {
            for (int number = 1; number <= 3; number++) {
                insertRunning(store, group(String.valueOf(number)), number, number + "@n", "pg:" + number);
            }
            store.delete(List.of());
            store.delete(List.of("1", "3", "never-there"));
        }
        try (GroupStore store = GroupStore.open(file)) {
            assertThat(store.loadAll()).extracting(GroupStore.StoredGroup::pgid).containsExactly("2");
            assertThat(store.lastNumber()).isEqualTo(3);
        }
    }
}
