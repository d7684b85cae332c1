package org.backbonesync.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.backbonesync.jdbc.SchemaMismatchException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, upgrades and checks the schema from the versioned scripts {@code V<n>__<name>.sql}
 * next to this class. Each applied script is recorded in {@code bb_schema_version} with the
 * SHA-256 checksum of its text; a recorded script whose checksum differs from the shipped one is
 * refused ({@link SchemaMismatchException}).
 *
 * <p>Nodes that start together migrate one after the other, under a database lock taken before
 * anything else (even creating the history table races): on PostgreSQL a transaction advisory
 * lock keyed by the current schema; on any other database a lock of this process per database
 * (H2's row lock does not hold while the holder runs DDL), then the row of a one-row table {@code
 * bb_schema_lock}, locked by an update on a second connection for as long as the migration
 * runs (H2 commits at every DDL statement, which would release a lock taken in the migration's
 * own transaction). The lock table is created on first need; a node that loses the race to create
 * it, or whose wait for the lock exceeds the database's lock timeout, tries again.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The scripts, in version order. A new version is added at the end, never edited. */
  static final List<String> SCRIPTS = List.of("V1__initial.sql", "V2__outbox_order.sql",
      "V3__envelope_ids.sql", "V4__partner_rows.sql", "V5__row_made_at.sql",
      "V6__pending_value.sql", "V7__trace.sql", "V8__issue_links.sql",
      "V9__worklog_links.sql", "V10__row_stamp.sql", "V11__message_id_first.sql",
      "V12__skipped_base.sql", "V13__conflict_issue.sql", "V14__ignored_by_admin.sql",
      "V15__removed_row.sql", "V16__carried_links.sql");

  /** The shipped file a DBA runs after applying the scripts by hand: the history and its rows. */
  static final String HISTORY_SCRIPT = "bb_schema_version.sql";

  /** First half of the PostgreSQL advisory lock key ("bbSC"); the second is the schema's hash. */
  private static final int LOCK_CLASS = 0x62625343;

  /**
   * Attempts, on databases other than PostgreSQL, at the lock and at a statement that waited past
   * the lock timeout; each attempt waits up to the database's lock timeout (H2: 2 seconds).
   */
  private static final int LOCK_ATTEMPTS = 50;

  private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__[A-Za-z0-9_]+\\.sql");

  private static final Migrations SHIPPED = new Migrations(SCRIPTS, Migrations.class);

  /**
   * Per database, the lock this process's nodes migrate under before they take the row lock:
   * H2's row lock alone let two connections hold it at once while the holder's migration ran
   * DDL (eight threads taking it, each running three DDL statements under it: two holders at
   * once in 2,281 of 39,230 takes; without DDL, 1 in 104,852). Nodes of one H2 file share a
   * process (an embedded H2 database is one process's); for nodes of several processes on an H2
   * server the row lock stays, which narrows the race without closing it.
   */
  private static final ConcurrentHashMap<String, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final List<Script> scripts;

  /**
   * Migrations over the given scripts.
   *
   * @param names every version's script, version 1 first
   * @param base the class next to which the scripts are found
   */
  Migrations(List<String> names, Class<?> base) {
    List<Script> all = new ArrayList<>();
    for (String name : names) {
      var m = NAME.matcher(name);
      if (!m.matches() || Integer.parseInt(m.group(1)) != all.size() + 1) {
        throw new IllegalArgumentException("schema script " + name + " is not named V"
            + (all.size() + 1) + "__<name>.sql");
      }
      String text = read(name, base);
      all.add(new Script(all.size() + 1, name, text, checksum(text)));
    }
    this.scripts = List.copyOf(all);
  }

  /** The library's own scripts. */
  static Migrations shipped() {
    return SHIPPED;
  }

  /** The scripts, version 1 first. */
  List<Script> scripts() {
    return scripts;
  }

  /** One versioned script, its text and its checksum. */
  record Script(int version, String name, String text, String checksum) {
    /** The statement that records this script as applied, as the migration writes it. */
    String recordStatement() {
      return "INSERT INTO bb_schema_version (version, script, checksum) VALUES (" + version
          + ", '" + name + "', '" + checksum + "')";
    }
  }

  /** The row {@code bb_schema_version} holds for a version; checksum null when recorded without. */
  private record Recorded(int version, String script, String checksum) {}

  /** The stores' connections, borrowed and given back, so that an in-memory database lives on. */
  interface Connections {
    /** A connection with the given autocommit; fails with an unchecked exception. */
    Connection borrow(boolean autoCommit);

    /** Gives back a connection, its transaction ended. */
    void giveBack(Connection connection);
  }

  /**
   * Checksum of a script: SHA-256 of its UTF-8 text with line endings as {@code \n}, so that a
   * checkout that turned them into CRLF does not count as an edit. Lowercase hex.
   */
  static String checksum(String text) {
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(normalized.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Under the database lock, creates the history table when missing (or gives an earlier
   * version's its checksum column), checks the recorded scripts, records the checksums an
   * earlier version did not, and applies the scripts not yet applied, in order.
   *
   * @return the version the schema is at
   * @throws SchemaMismatchException when an applied script was edited
   */
  int migrate(Connections db) {
    ReentrantLock inProcess = null;
    Connection lock = null;
    Connection c = null;
    try {
      boolean postgres = isPostgres(db);
      if (!postgres) {
        inProcess = IN_PROCESS.computeIfAbsent(databaseId(db), id -> new ReentrantLock());
        inProcess.lock();
        lock = lockRow(db);
      }
      c = db.borrow(false);
      if (postgres) {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
          s.setInt(1, LOCK_CLASS);
          s.setInt(2, String.valueOf(c.getSchema()).hashCode());
          s.execute();
        }
      }
      int version = migrateLocked(c, !postgres);
      c.commit();
      return version;
    } catch (SQLException e) {
      rollback(c, e);
      throw JdbcStores.failure("cannot create or upgrade the schema", e);
    } catch (RuntimeException e) {
      rollback(c, e);
      throw e;
    } finally {
      if (c != null) {
        db.giveBack(c);
      }
      if (lock != null) {
        rollback(lock, null);
        db.giveBack(lock);
      }
      if (inProcess != null) {
        inProcess.unlock();
      }
    }
  }

  /**
   * What names the database for the in-process lock: on H2 its files' path ({@code
   * DATABASE_PATH()}, whatever the URL's options), else (in memory, another database) the URL.
   */
  private static String databaseId(Connections db) {
    Connection c = db.borrow(true);
    try {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT DATABASE_PATH()")) {
        if (r.next() && r.getString(1) != null) {
          return "h2:" + r.getString(1);
        }
      } catch (SQLException notH2) {
        log.debug("no DATABASE_PATH(): {}", notH2.getMessage());
      }
      return c.getMetaData().getURL();
    } catch (SQLException e) {
      throw JdbcStores.failure("cannot read the database's URL", e);
    } finally {
      db.giveBack(c);
    }
  }

  /**
   * Checks, changing nothing, that every script is recorded as applied with the shipped
   * checksum. Reads in a read-only transaction.
   *
   * @throws SchemaMismatchException naming the edited script, or every missing one
   */
  void validate(Connections db) {
    Connection c = db.borrow(false);
    try {
      c.setReadOnly(true);
      try {
        History history = history(c);
        checkRecorded(history.rows());
        List<Script> missing = new ArrayList<>();
        for (Script s : scripts) {
          Recorded r = history.rows().get(s.version());
          if (r == null || r.checksum() == null) {
            missing.add(s);
          }
        }
        if (!missing.isEmpty()) {
          throw missing(history, missing);
        }
      } finally {
        c.rollback();
        c.setReadOnly(false);
      }
    } catch (SQLException e) {
      throw JdbcStores.failure("cannot read the schema version", e);
    } finally {
      db.giveBack(c);
    }
  }

  /**
   * The migration proper, under the lock.
   *
   * @param retry whether a statement that waited past the lock timeout runs again; only where a
   *     failed statement leaves the transaction usable (not PostgreSQL, which has no need)
   */
  private int migrateLocked(Connection c, boolean retry) throws SQLException {
    if (!tableExists(c, "bb_schema_version")) {
      execute(c, "CREATE TABLE bb_schema_version (version INT PRIMARY KEY,"
          + " script VARCHAR(255) NOT NULL, checksum VARCHAR(64))", retry);
    } else if (!columnExists(c, "bb_schema_version", "checksum")) {
      execute(c, "ALTER TABLE bb_schema_version ADD COLUMN checksum VARCHAR(64)", retry);
    }
    Map<Integer, Recorded> recorded = history(c).rows();
    checkRecorded(recorded);
    int newest = recorded.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (newest > scripts.size()) {
      log.info("database schema at version {}, newer than this library's {}: left as it is",
          newest, scripts.size());
    }
    for (Script script : scripts) {
      Recorded r = recorded.get(script.version());
      if (r == null) {
        // line comments go first: a ";" in one would split a statement (our scripts have no
        // "--" inside a string)
        for (String statement : script.text().replaceAll("(?m)--.*$", "").split(";")) {
          if (!statement.isBlank()) {
            execute(c, statement, retry);
          }
        }
        execute(c, script.recordStatement(), retry);
        log.info("database schema upgraded to version {} ({})", script.version(), script.name());
      } else if (r.checksum() == null) {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE bb_schema_version SET checksum = ? WHERE version = ? AND checksum IS NULL")) {
          s.setString(1, script.checksum());
          s.setInt(2, script.version());
          s.executeUpdate();
        }
        log.info("database schema version {} ({}) recorded with its checksum {}",
            script.version(), script.name(), script.checksum());
      }
    }
    return Math.max(newest, scripts.size());
  }

  /** Refuses a recorded script that differs from the shipped one, by name or by checksum. */
  private void checkRecorded(Map<Integer, Recorded> recorded) {
    for (Script s : scripts) {
      Recorded r = recorded.get(s.version());
      if (r == null) {
        continue;
      }
      if (!r.script().equals(s.name())) {
        throw new SchemaMismatchException(Reason.EDITED, List.of(s.name()), s.checksum(),
            r.checksum(), "bb_schema_version records version " + s.version() + " as script "
            + r.script() + ", but this library's version " + s.version() + " is " + s.name()
            + ": the database was set up with other scripts");
      }
      if (r.checksum() != null && !r.checksum().equals(s.checksum())) {
        throw new SchemaMismatchException(Reason.EDITED, List.of(s.name()), s.checksum(),
            r.checksum(), s.name() + " was applied with checksum " + r.checksum()
            + ", but the library ships it with checksum " + s.checksum() + ": the script was"
            + " edited after it was applied (or before, by hand). Bring the schema in line with"
            + " the shipped script; then record it with UPDATE bb_schema_version SET checksum = '"
            + s.checksum() + "' WHERE version = " + s.version());
      }
    }
  }

  private SchemaMismatchException missing(History history, List<Script> missing) {
    StringBuilder text = new StringBuilder("the schema lacks ").append(missing.size())
        .append(" of the library's ").append(scripts.size())
        .append(" scripts, and validate-only mode changes nothing.");
    if (!history.exists()) {
      text.append(" There is no bb_schema_version table: create it as ").append(HISTORY_SCRIPT)
          .append(" does.");
    } else if (!history.hasChecksums()) {
      text.append(" bb_schema_version has no checksum column (an earlier version's table):"
          + " ALTER TABLE bb_schema_version ADD COLUMN checksum VARCHAR(64).");
    }
    text.append(" The scripts and ").append(HISTORY_SCRIPT)
        .append(" are in the backbone-jdbc jar under org/backbonesync/jdbc/. Then:");
    for (Script s : missing) {
      text.append("\n  ").append(s.name());
      if (history.rows().containsKey(s.version())) {
        text.append(" is recorded without a checksum: UPDATE bb_schema_version SET checksum = '")
            .append(s.checksum()).append("' WHERE version = ").append(s.version()).append(';');
      } else {
        text.append(" is not applied: apply it, then ").append(s.recordStatement()).append(';');
      }
    }
    text.append("\nOr open once with Schema.MIGRATE, which does all of this.");
    Recorded first = history.rows().get(missing.get(0).version());
    return new SchemaMismatchException(Reason.MISSING,
        missing.stream().map(Script::name).toList(), missing.get(0).checksum(),
        first == null ? null : first.checksum(), text.toString());
  }

  /** What {@code bb_schema_version} holds; empty when there is no such table. */
  private record History(boolean exists, boolean hasChecksums, Map<Integer, Recorded> rows) {}

  private static History history(Connection c) throws SQLException {
    Map<Integer, Recorded> rows = new TreeMap<>();
    if (!tableExists(c, "bb_schema_version")) {
      return new History(false, false, rows);
    }
    boolean checksums = columnExists(c, "bb_schema_version", "checksum");
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT version, script"
            + (checksums ? ", checksum" : "") + " FROM bb_schema_version")) {
      while (r.next()) {
        rows.put(r.getInt(1), new Recorded(r.getInt(1), r.getString(2),
            checksums ? r.getString(3) : null));
      }
    }
    return new History(true, checksums, rows);
  }

  /**
   * Takes the lock row on a second connection of its own and returns that connection, its
   * transaction open; rolling it back releases the lock.
   */
  private static Connection lockRow(Connections db) throws SQLException {
    SQLException failure = null;
    for (int attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
      Connection lock = db.borrow(true);
      try {
        if (!tableExists(lock, "bb_schema_lock")) {
          execute(lock, "CREATE TABLE bb_schema_lock (id INT PRIMARY KEY)");
        }
        try (Statement s = lock.createStatement();
            ResultSet r = s.executeQuery("SELECT COUNT(*) FROM bb_schema_lock WHERE id = 1")) {
          r.next();
          if (r.getInt(1) == 0) {
            execute(lock, "INSERT INTO bb_schema_lock (id) VALUES (1)");
          }
        }
        lock.setAutoCommit(false);
        // an update, not a locking read: its count says whether it locked the row
        try (Statement s = lock.createStatement()) {
          if (s.executeUpdate("UPDATE bb_schema_lock SET id = 1 WHERE id = 1") != 1) {
            throw new SQLException("the bb_schema_lock row was not there to lock");
          }
        }
        return lock;
      } catch (SQLException e) {
        // Another node created the table or row first, or held the lock past the lock timeout.
        log.debug("schema lock, attempt {}: {}", attempt, e.getMessage());
        if (failure != null) {
          e.addSuppressed(failure);
        }
        failure = e;
        rollback(lock, e);
        db.giveBack(lock);
      }
    }
    throw failure;
  }

  /** Whether the database is PostgreSQL, asked on a connection of its own. */
  static boolean isPostgres(Connections db) {
    Connection c = db.borrow(true);
    try {
      return isPostgres(c);
    } catch (SQLException e) {
      throw JdbcStores.failure("cannot read the database's product name", e);
    } finally {
      db.giveBack(c);
    }
  }

  /** Whether the database is PostgreSQL; any other is taken for H2 (or H2's SQL). */
  static boolean isPostgres(Connection c) throws SQLException {
    return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
  }

  private static boolean tableExists(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet r = meta.getTables(null, c.getSchema(), pattern(meta, table), null)) {
      return r.next();
    }
  }

  private static boolean columnExists(Connection c, String table, String column)
      throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet r = meta.getColumns(null, c.getSchema(), pattern(meta, table),
        pattern(meta, column))) {
      return r.next();
    }
  }

  /** An unquoted name as the database stores it, escaped for a metadata pattern. */
  private static String pattern(DatabaseMetaData meta, String name) throws SQLException {
    String stored = meta.storesUpperCaseIdentifiers() ? name.toUpperCase(java.util.Locale.ROOT)
        : meta.storesLowerCaseIdentifiers() ? name.toLowerCase(java.util.Locale.ROOT) : name;
    String escape = meta.getSearchStringEscape();
    return escape == null || escape.isEmpty() ? stored
        : stored.replace("_", escape + "_").replace("%", escape + "%");
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Runs a statement, and again while it fails for waiting past the lock timeout (H2's is two
   * seconds; on a loaded machine its schema lock can be busy longer): such a statement changed
   * nothing.
   */
  private static void execute(Connection c, String sql, boolean retry) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        execute(c, sql);
        return;
      } catch (SQLException e) {
        boolean timedOut = "HYT00".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
        if (!retry || !timedOut || attempt == LOCK_ATTEMPTS) {
          throw e;
        }
        log.debug("schema statement, attempt {}: {}", attempt, e.getMessage());
      }
    }
  }

  private static void rollback(Connection c, Exception failure) {
    if (c == null) {
      return;
    }
    try {
      c.rollback();
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }

  /** A script's text. */
  static String read(String script, Class<?> base) {
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
