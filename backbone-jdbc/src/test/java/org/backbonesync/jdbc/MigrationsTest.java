package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.jdbc.JdbcStores.Schema;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;

/**
 * The schema upgrades itself from one version to the next and keeps the data; each applied
 * script is recorded with its checksum, and an edited one is refused.
 */
class MigrationsTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final String url = "jdbc:h2:mem:migrations" + DATABASES.incrementAndGet()
      + ";DB_CLOSE_DELAY=-1";

  /** The test script's version: the one after the library's newest. */
  private static final int TEST_VERSION = Migrations.SCRIPTS.size() + 1;
  private static final String TEST_SCRIPT = "V" + TEST_VERSION + "__test_upgrade.sql";

  /** The library's scripts and a test script after them. */
  private static Migrations upgraded() {
    List<String> all = new ArrayList<>(Migrations.SCRIPTS);
    all.add(TEST_SCRIPT);
    return new Migrations(all, MigrationsTest.class);
  }

  @Test
  void aPreviousReleasesDatabaseGetsTheLaterScriptsAndItsHistoryGetsChecksums()
      throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      Schemas.previousRelease(c);
      Schemas.execute(c, "INSERT INTO bb_watermark (connector_key, epoch_millis)"
          + " VALUES ('PA', 1234)");
    }

    try (JdbcStores upgraded = JdbcStores.atUrl(url, null, null)) {
      assertEquals(OptionalLong.of(1234), upgraded.watermarks().watermark("PA"));
    }

    try (Connection c = DriverManager.getConnection(url);
        ResultSet r = c.getMetaData().getIndexInfo(null, null, "BB_OUTBOX", false, false)) {
      boolean found = false;
      while (r.next()) {
        found |= "BB_OUTBOX_ORDER".equalsIgnoreCase(r.getString("INDEX_NAME"));
      }
      assertTrue(found, "version 2's index");
      assertEquals(Schemas.shippedHistory(), Schemas.history(c),
          "version 1's row gets the checksum it lacked; version 2 is recorded with its own");
    }
  }

  /**
   * V13 keeps the newest 100 conflict records of each connector and issue (the stores trim from
   * then on): a database of before, which kept them all, loses the older ones once, at the
   * upgrade, not inside the next apply of each issue.
   */
  @Test
  void version13KeepsTheNewestConflictRecordsOfEachIssue() throws Exception {
    Migrations toV12 = new Migrations(Migrations.SCRIPTS.subList(0, 12), Migrations.class);
    JdbcStores.open(Schemas.dataSource(url), Schema.MIGRATE, toV12).close();
    try (Connection c = DriverManager.getConnection(url)) {
      for (int i = 1; i <= 105; i++) {
        for (String issue : List.of("PA-1", "PA-2")) {
          if (issue.equals("PA-1") || i <= 3) {
            Schemas.execute(c, "INSERT INTO bb_conflict (connector_key, local_issue_key,"
                + " remote_issue_key, mapping_id, local_json, remote_json, local_changed_at,"
                + " remote_changed_at, winner, rule_name, recorded_at) VALUES ('PA', '" + issue
                + "', 'PB-1', 'm1', '\"a\"', '\"b" + i + "\"', 1, 1, 'LOCAL', 'TIE_BREAK', " + i
                + ")");
          }
        }
      }
    }

    try (JdbcStores upgraded = JdbcStores.atUrl(url, null, null)) {
      List<ConflictRecord> kept = upgraded.conflicts().list("PA", "PA-1");
      assertEquals(100, kept.size());
      assertEquals(6, kept.get(0).recordedAt(), "the oldest kept");
      assertEquals(105, kept.get(99).recordedAt());
      assertEquals(3, upgraded.conflicts().list("PA", "PA-2").size(), "another issue's");
    }
  }

  @Test
  void aDatabaseIsUpgradedToTheNextVersionWithItsRowsKept() throws Exception {
    SyncInfo row;
    try (JdbcStores v2 = JdbcStores.atUrl(url, null, null)) {
      row = v2.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
    }

    JdbcStores.open(Schemas.dataSource(url), Schema.MIGRATE, upgraded()).close();
    try (JdbcStores again = JdbcStores.open(Schemas.dataSource(url), Schema.MIGRATE,
        upgraded())) {
      assertEquals(row, again.syncInfo().findByLocalKey("PA", "PA-1").orElseThrow(),
          "the stores still read the upgraded rows");
    }

    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT note FROM bb_sync_info WHERE id = " + row.id())) {
        r.next();
        assertEquals("upgraded", r.getString(1));
      }
      List<String> history = Schemas.history(c);
      assertEquals(TEST_VERSION, history.size(), "applied once only: " + history);
      assertEquals(TEST_VERSION + " " + TEST_SCRIPT + " "
          + upgraded().scripts().get(TEST_VERSION - 1).checksum(), history.get(TEST_VERSION - 1));
    }
  }

  @Test
  void aScriptEditedAfterItWasAppliedIsRefusedNamingItAndBothChecksums() throws Exception {
    JdbcStores.atUrl(url, null, null).close();
    String edited = "0".repeat(64);
    try (Connection c = DriverManager.getConnection(url)) {
      Schemas.execute(c, "UPDATE bb_schema_version SET checksum = '" + edited
          + "' WHERE version = 2");
    }
    String shipped = Migrations.shipped().scripts().get(1).checksum();

    for (Schema mode : Schema.values()) {
      SchemaMismatchException refused = assertThrows(SchemaMismatchException.class,
          () -> JdbcStores.open(Schemas.dataSource(url), mode));

      assertEquals(SchemaMismatchException.Reason.EDITED, refused.reason(), mode.name());
      assertEquals(List.of("V2__outbox_order.sql"), refused.scripts());
      assertEquals(shipped, refused.shippedChecksum());
      assertEquals(edited, refused.recordedChecksum());
      assertTrue(refused.getMessage().contains("V2__outbox_order.sql was applied with checksum "
          + edited + ", but the library ships it with checksum " + shipped),
          refused.getMessage());
    }
  }

  @Test
  void aVersionRecordedAsAnotherScriptIsRefused() throws Exception {
    JdbcStores.atUrl(url, null, null).close();
    try (Connection c = DriverManager.getConnection(url)) {
      Schemas.execute(c, "UPDATE bb_schema_version SET script = 'V2__other.sql' WHERE version = 2");
    }

    SchemaMismatchException refused = assertThrows(SchemaMismatchException.class,
        () -> JdbcStores.atUrl(url, null, null));

    assertEquals(SchemaMismatchException.Reason.EDITED, refused.reason());
    assertTrue(refused.getMessage().contains("as script V2__other.sql"), refused.getMessage());
  }

  @Test
  void aSchemaStatementThatWaitsPastTheLockTimeoutRunsAgain() throws Exception {
    String shortWaits = url + ";LOCK_TIMEOUT=100";
    try (Connection c = DriverManager.getConnection(shortWaits)) {
      Schemas.previousRelease(c);
    }
    ExecutorService node = Executors.newSingleThreadExecutor();
    try (Connection reader = DriverManager.getConnection(shortWaits);
        Connection watcher = DriverManager.getConnection(shortWaits)) {
      reader.setAutoCommit(false);
      try (Statement s = reader.createStatement()) {
        s.executeUpdate("UPDATE bb_schema_version SET script = script");
      }
      Future<JdbcStores> opening = node.submit(() -> JdbcStores.atUrl(shortWaits, null, null));

      // The node's ALTER TABLE of the history waits for the reader, times out, and starts anew.
      Set<String> starts = new HashSet<>();
      while (starts.size() < 2 && !opening.isDone()) {
        try (Statement s = watcher.createStatement();
            ResultSet r = s.executeQuery("SELECT EXECUTING_STATEMENT_START FROM"
                + " INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE 'ALTER TABLE%'")) {
          while (r.next()) {
            starts.add(r.getString(1));
          }
        }
      }
      reader.rollback();

      opening.get(30, TimeUnit.SECONDS).close();
      assertEquals(2, starts.size(), "tried again after a lock timeout");
    } finally {
      node.shutdownNow();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      assertEquals(Schemas.shippedHistory(), Schemas.history(c));
    }
  }

  @Test
  void aChecksumDoesNotSeeLineEndings() {
    assertEquals(Migrations.checksum("CREATE TABLE t (\n  id INT\n)"),
        Migrations.checksum("CREATE TABLE t (\r\n  id INT\r\n)"));
  }

  @Test
  void theShippedHistoryFileRecordsEveryShippedScriptAsTheMigrationDoes() {
    List<String> lines = Migrations.read(Migrations.HISTORY_SCRIPT, Migrations.class).lines()
        .filter(l -> l.startsWith("INSERT")).toList();

    assertEquals(Migrations.shipped().scripts().stream()
        .map(s -> s.recordStatement() + ";").toList(), lines);
  }
}
