package org.sss.lib.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    private static final List<Migration> V1 = List.of(new Migration(1, "items", List.of(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")));
    private static final List<Migration> V2 = List.of(V1.getFirst(), new Migration(2, "colour", List.of(
            "ALTER TABLE items ADD COLUMN colour TEXT DEFAULT 'red'")));

    @TempDir
    Path dir;

    private static CompletableFuture<Integer> insert(SqliteDatabase db, String name) {
        return db.writer().submit(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
                s.setString(1, name);
                return s.executeUpdate();
            }
        });
    }

    private static int count(SqliteDatabase db) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void concurrentWritesShareCommitsAndAllBecomeVisible() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("a.db"), V1)) {
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                writes.add(insert(db, "item-" + i));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            assertThat(count(db)).isEqualTo(2000);
            assertThat(db.writer().writes()).isEqualTo(2000);
            assertThat(db.writer().commits()).as("group commit").isLessThan(2000);
        }
    }

    @Test
    void aFailingWriteFailsAloneAndItsNeighboursCommit() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("b.db"), V1)) {
            CompletableFuture<Integer> first = insert(db, "same");
            CompletableFuture<Integer> duplicate = insert(db, "same");
            CompletableFuture<Integer> other = insert(db, "other");
            assertThat(first.get()).isEqualTo(1);
            assertThat(other.get()).isEqualTo(1);
            assertThatThrownBy(duplicate::get).isInstanceOf(ExecutionException.class).hasMessageContaining("UNIQUE");
            assertThat(count(db)).isEqualTo(2);
        }
    }

    @Test
    void aWriteThatThrowsAnErrorFailsAloneAndTheCommitThreadGoesOn() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("e.db"), V1)) {
            CompletableFuture<Integer> broken = db.writer().submit(connection -> {
                throw new AssertionError("a write's own failure");
            });
            assertThatThrownBy(() -> broken.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("own failure");
            assertThat(insert(db, "after").get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(count(db)).isEqualTo(1);
        }
    }

    @Test
    void committedWritesSurviveReopeningAndMigrationsRunOnce() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("c.db"), V1)) {
            insert(db, "kept").get();
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("c.db"), V2)) {
            assertThat(count(db)).isEqualTo(1);
            String colour = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT colour FROM items")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(colour).isEqualTo("red");
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("c.db"), V2)) {
            assertThat(count(db)).isEqualTo(1);
        }
    }

    @Test
    void aDatabaseFromANewerSchemaIsRefused() throws IOException {
        SqliteDatabase.open(dir.resolve("d.db"), V2).close();
        assertThatThrownBy(() -> SqliteDatabase.open(dir.resolve("d.db"), V1))
                .isInstanceOf(IOException.class).hasMessageContaining("schema version 2");
    }

    @Test
    void theJournalIsWalAndSyncIsFull() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("e.db"), V1)) {
            String mode = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            int sync = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(mode).isEqualTo("wal");
            assertThat(sync).as("FULL").isEqualTo(2);
        }
    }

    /** The sync level a write sees inside its transaction: 2 (FULL) for a synced group, 1 (NORMAL) otherwise. */
    private static int syncSeenBy(SqliteDatabase db, boolean synced) throws Exception {
        SqlFunction<Integer> work = c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                return rs.getInt(1);
            }
        };
        return (synced ? db.writer().submit(work) : db.writer().submitUnsynced(work)).get();
    }

    @Test
    void unsyncedWritesCommitWithoutTheFsyncAreVisibleAndSurviveReopening() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("f.db"), V1)) {
            int inserted = db.writeUnsynced(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO items(name) VALUES ('lazy')")) {
                    return s.executeUpdate();
                }
            });
            assertThat(inserted).isEqualTo(1);
            assertThat(count(db)).as("visible once the call returns").isEqualTo(1);
            assertThat(db.writer().unsyncedCommits()).isEqualTo(1);
            assertThat(syncSeenBy(db, false)).as("a group of unsynced writes commits with NORMAL").isEqualTo(1);
            insert(db, "durable").get();
            assertThat(syncSeenBy(db, true)).as("a synced write's group commits with FULL").isEqualTo(2);
            assertThat(db.writer().unsyncedCommits()).isEqualTo(2);
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("f.db"), V1)) {
            assertThat(count(db)).isEqualTo(2);
        }
    }

    @Test
    void aGroupWithOneSyncedWriteIsSynced() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("g.db"), V1)) {
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = "item-" + i;
                SqlFunction<Integer> work = c -> {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
                        s.setString(1, name);
                        return s.executeUpdate();
                    }
                };
                writes.add(i == 199 ? db.writer().submit(work) : db.writer().submitUnsynced(work));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            assertThat(count(db)).isEqualTo(200);
            assertThat(db.writer().commits() - db.writer().unsyncedCommits()).as("the last group was synced").isGreaterThanOrEqualTo(1);
            assertThat(syncSeenBy(db, true)).isEqualTo(2);
        }
    }
}
