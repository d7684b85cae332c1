package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * An insert of one row unless a row with its unique key exists, for the stores whose claims are
 * such inserts (leases, envelope ids). On PostgreSQL with {@code ON CONFLICT DO NOTHING}: no
 * refusal, so no savepoint (a round trip), no error in the server's log, and no transaction id
 * (nor WAL flush at its commit) when nothing is inserted. Elsewhere behind a savepoint: a unique
 * key's violation (SQL state 23505, on H2 and PostgreSQL) is undone to it and answered false.
 * Any other refusal is thrown: taken for an existing row, a value too long for its column (a
 * node name over 255 characters, a scope over its column) was a claim lost for good, silently.
 */
final class InsertUnlessExists {
  private final String insert;
  private final String insertOrSkip;

  /**
   * @param table the table
   * @param columns the columns given, in the order of the values
   * @param uniqueKey the columns of the unique key that an existing row holds
   */
  InsertUnlessExists(String table, String columns, String uniqueKey) {
    String values = "?" + ", ?".repeat(columns.split(",").length - 1);
    this.insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
    this.insertOrSkip = insert + " ON CONFLICT (" + uniqueKey + ") DO NOTHING";
  }

  /** Inserts the row; false (and nothing written) when one with its key exists. */
  boolean insert(Connection c, boolean postgres, Object... values) throws SQLException {
    if (postgres) {
      return update(c, insertOrSkip, values) == 1;
    }
    Savepoint before = c.setSavepoint();
    try {
      return update(c, insert, values) == 1;
    } catch (SQLException e) {
      if (!isUniqueViolation(e)) {
        throw e; // (before a rollback: on a connection that broke, it would hide why)
      }
      c.rollback(before);
      return false; // there already, or made by another node at this moment
    }
  }

  /**
   * Whether an insert (or a batch of them) failed on a row with its key there already (SQL state
   * 23505), not for another reason: a connection that broke, the database stopping, a full disk.
   */
  static boolean isUniqueViolation(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      if ("23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
