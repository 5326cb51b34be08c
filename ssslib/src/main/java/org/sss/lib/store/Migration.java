package org.sss.lib.store;

import java.util.List;

/**
 * One step of a database schema's history. Versions start at 1 and increase by one; a database records the
 * version it has reached ({@code PRAGMA user_version}) and each step runs once, in its own transaction.
 *
 * @param version     the version this step brings the database to
 * @param description what it changes
 * @param statements  the SQL statements, run in order
 */
public record Migration(int version, String description, List<String> statements) {
    /** Copies the statements. */
    public Migration {
        statements = List.copyOf(statements);
    }
}
