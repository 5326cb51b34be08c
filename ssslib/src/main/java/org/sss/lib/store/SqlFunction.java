package org.sss.lib.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with a database connection.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface SqlFunction<T> {
    /**
     * @param connection the connection, inside a transaction for writes
     * @return the result
     * @throws SQLException if a statement fails
     */
    T apply(Connection connection) throws SQLException;
}
