package org.backbonesync.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throwaway schema of the PostgreSQL database named by {@code BACKBONE_PG_URL}, for one
 * benchmark trial: created empty, dropped at the end.
 */
final class PostgresSchema implements AutoCloseable {
  private final String base;
  private final String name;
  /** The JDBC URL of the schema. */
  final String url;

  /** Creates the schema {@code <prefix>_<pid>}, replacing one a crashed run left behind. */
  PostgresSchema(String prefix, String neededBy) throws SQLException {
    base = System.getenv("BACKBONE_PG_URL");
    if (base == null) {
      throw new IllegalStateException(neededBy + " needs BACKBONE_PG_URL");
    }
    name = prefix + "_" + ProcessHandle.current().pid();
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE", "CREATE SCHEMA " + name);
    // (pgjdbc's multi-row inserts, for the floors' batches and the stores' alike: the README's
    // table was measured so; its effect on the stores was within the noise, see "The database
    // schema"; a URL that names the parameter decides)
    url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name
        + (base.matches(".*[?&]reWriteBatchedInserts=.*") ? ""
            : "&reWriteBatchedInserts=true");
  }

  private void execute(String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
      for (String each : sql) {
        s.execute(each);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    execute("DROP SCHEMA " + name + " CASCADE");
  }
}
