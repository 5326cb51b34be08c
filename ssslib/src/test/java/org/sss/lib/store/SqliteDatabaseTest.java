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
}
