package org.backbonesync.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the schema from the versioned scripts {@code V<n>__<name>.sql} next to
 * this class, recording each applied version in {@code bb_schema_version}; each script runs once,
 * in order, in the caller's transaction.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The scripts, in version order. A new version is added at the end, never edited. */
  static final List<String> SCRIPTS = List.of("V1__initial.sql", "V2__outbox_order.sql");

  private Migrations() {}

  static int migrate(Connection c) throws SQLException {
    return migrate(c, SCRIPTS, Migrations.class);
  }

  /**
   * Applies the scripts after the recorded version, in order.
   *
   * @param scripts all versions' scripts, version 1 first
   * @param base the class next to which the scripts are found
   * @return the version the schema is at
   */
  static int migrate(Connection c, List<String> scripts, Class<?> base) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS bb_schema_version (version INT PRIMARY KEY,"
          + " script VARCHAR(255) NOT NULL)");
    }
    int current = 0;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT MAX(version) FROM bb_schema_version")) {
      if (r.next()) {
        current = r.getInt(1);
      }
    }
    for (int v = current + 1; v <= scripts.size(); v++) {
      String script = scripts.get(v - 1);
      for (String statement : read(script, base).split(";")) {
        if (!statement.isBlank()) {
          try (Statement s = c.createStatement()) {
            s.execute(statement);
          }
        }
      }
      try (var insert = c.prepareStatement(
          "INSERT INTO bb_schema_version (version, script) VALUES (?, ?)")) {
        insert.setInt(1, v);
        insert.setString(2, script);
        insert.executeUpdate();
      }
      log.info("database schema upgraded to version {} ({})", v, script);
    }
    return Math.max(current, scripts.size());
  }

  private static String read(String script, Class<?> base) {
    try (InputStream in = base.getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + script + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read schema script " + script, e);
    }
  }
}
