package org.backbonesync.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Databases set up as a DBA or an earlier release left them, read with plain JDBC. */
final class Schemas {
  /** The tables of the library's scripts. */
  static final Set<String> TABLES = Set.of("bb_sync_info", "bb_synced_value",
      "bb_pending_change", "bb_comment_link", "bb_attachment_link", "bb_pending_create",
      "bb_outbox", "bb_inbox", "bb_watermark", "bb_task", "bb_conflict", "bb_lease",
      "bb_envelope_id", "bb_trace", "bb_issue_link", "bb_worklog_link", "bb_skipped_base",
      "bb_removed_row");

  private Schemas() {}

  /** A host's DataSource (no connections kept) for an H2 or PostgreSQL URL. */
  static DataSource dataSource(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setURL(url);
      return pg;
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(url);
    return h2;
  }

  /**
   * What the release before checksums left: its history table (no checksum column) and version
   * 1 applied and recorded.
   */
  static void previousRelease(Connection c) throws SQLException {
    execute(c, "CREATE TABLE bb_schema_version (version INT PRIMARY KEY,"
        + " script VARCHAR(255) NOT NULL)");
    runScript(c, Migrations.read("V1__initial.sql", Migrations.class));
    execute(c, "INSERT INTO bb_schema_version (version, script) VALUES (1, 'V1__initial.sql')");
  }

  /** Runs a shipped file as a DBA's SQL tool would: statement by statement, autocommit. */
  static void runShipped(Connection c, String file) throws SQLException {
    runScript(c, Migrations.read(file, Migrations.class));
  }

  /** Runs statements separated by semicolons (none of the shipped files has one elsewhere). */
  static void runScript(Connection c, String text) throws SQLException {
    for (String statement : text.split(";")) {
      if (!statement.isBlank()) {
        execute(c, statement);
      }
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The tables of the connection's schema, lowercase. */
  static Set<String> tables(Connection c) throws SQLException {
    Set<String> names = new TreeSet<>();
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet r = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
      while (r.next()) {
        names.add(r.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** The rows of bb_schema_version as "version script checksum" (as many columns as it has). */
  static List<String> history(Connection c) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM bb_schema_version ORDER BY version")) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder(r.getString(1));
        for (int i = 2; i <= columns; i++) {
          row.append(' ').append(r.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  /** The history the shipped scripts leave. */
  static List<String> shippedHistory() {
    return Migrations.shipped().scripts().stream()
        .map(s -> s.version() + " " + s.name() + " " + s.checksum()).toList();
  }
}
