package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.store.PairedLink;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two admins delete the same sync information row at once (or one row and all of them): the row
 * is deleted once, and only the request that deleted it says so. The store reads the row, then
 * deletes it; another writer's delete between the two used to be counted by both ({@code
 * {"deleted": 1}} twice for one row, from the service's admin API).
 */
class DeletedMeanwhileTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private final String url = url();
  private final CountedStatements db = new CountedStatements(url);
  private final JdbcStores stores = JdbcStores.open(db.dataSource);
  private final SyncInfoStore rows = stores.syncInfo();

  /** A fresh database's URL (H2 here; {@code DeletedMeanwhileOnPostgresTest}: a fresh schema). */
  String url() {
    return "jdbc:h2:mem:deleted" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
  }

  /** The statement that makes a session wait at most a millisecond for a lock. */
  String lockTimeoutOfAMillisecond() {
    return "SET LOCK_TIMEOUT 1";
  }

  /** The SQL state of a lock waited for past the lock timeout. */
  String lockTimedOut() {
    return "HYT00";
  }

  @AfterEach
  void close() {
    stores.close();
  }

  private long pair(String local, String remote) {
    return rows.insert(
        new SyncInfo(0, "PA", local, remote, 1000, 1000, 1000, 0, 0, 0, false, 0, 0, 1000, 0, false))
        .id();
  }

  /**
   * Another admin's delete of the row, right after the store read it: it has to wait for the
   * row's lock (with a lock timeout of a millisecond, it gives up at once).
   */
  private List<String> deletedByAnotherAdminAfterTheRead(long id) {
    List<String> otherAdmin = new ArrayList<>();
    db.afterFirst("SELECT", () -> {
      try (Connection other = DriverManager.getConnection(url);
          Statement s = other.createStatement()) {
        s.execute(lockTimeoutOfAMillisecond()); // so as not to wait here, on this thread
        otherAdmin.add("deleted " + s.executeUpdate("DELETE FROM bb_sync_info WHERE id = "
            + id));
      } catch (SQLException e) {
        otherAdmin.add("waited: " + e.getSQLState());
      }
    });
    return otherAdmin;
  }

  /**
   * The store reads the row locked, then deletes it: another admin's delete between the two
   * waits for it (then finds nothing), so only this one counts the row; read unlocked, both did.
   */
  @Test
  void aRowAnotherAdminDeletesAfterTheReadIsDeletedOnce() {
    long id = pair("PA-1", "PB-1");
    List<String> otherAdmin = deletedByAnotherAdminAfterTheRead(id);

    assertTrue(rows.delete("PA", id));

    assertEquals(List.of("waited: " + lockTimedOut()), otherAdmin,
        "a lock timeout: the row was locked");
    assertTrue(rows.findByLocalKey("PA", "PA-1").isEmpty());
  }

  /**
   * A delete of all rows locks them before it deletes any: another admin's delete of one of them
   * meanwhile has to wait for it (then finds nothing), and only the delete of all counts the row.
   */
  @Test
  void deleteAllCountsOnlyTheRowsItDeleted() {
    long first = pair("PA-1", "PB-1");
    pair("PA-2", "PB-2");
    List<String> otherAdmin = deletedByAnotherAdminAfterTheRead(first);

    assertEquals(2, rows.deleteAll("PA"));

    assertEquals(List.of("waited: " + lockTimedOut()), otherAdmin,
        "a lock timeout: the row was locked");
    assertEquals(0, rows.list("PA").size());
  }

  /**
   * Deleting all of a connector's rows is a locking read and 7 statements per hundred rows (a
   * statement per table): 7 per row before, 70,000 round trips for 10,000 pairs in one request.
   */
  @Test
  void deleteAllDeletesAHundredRowsAtATime() throws SQLException {
    stores.inTransaction(() -> { // (one commit: on PostgreSQL 500 took most of a minute)
      for (int i = 1; i <= 250; i++) {
        long id = pair("PA-" + i, "PB-" + i);
        rows.putSyncedValues(id, java.util.Map.of("m-summary",
            com.fasterxml.jackson.databind.node.TextNode.valueOf("v" + i)));
      }
      return null;
    });
    db.reset();

    assertEquals(250, rows.deleteAll("PA"));

    assertEquals(1 + 3 * 7 + 1 + 1, db.executions(),
        "the lock, 3 chunks, the issue links, the removed rows");
    assertEquals(0, rows.list("PA").size());
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM bb_synced_value")) {
      r.next();
      assertEquals(0, r.getInt(1), "the synced values went with their rows");
    }
  }

  /**
   * Another admin's delete of one row while a delete of all holds the rows' locks. It deleted
   * the row's synced values, then waited for the row; the delete of all, deleting those synced
   * values, waited for it: a deadlock, and one of the two failed (on PostgreSQL after its
   * deadlock_timeout, a second). A delete of one row locks it first now, as the delete of all
   * does, and waits before it deletes anything: here the row's lock is held by another session
   * and the delete's session waits at most a millisecond, so it fails at once, having sent no
   * delete (without the lock first it sent the synced values' delete, then timed out).
   */
  @Test
  void aDeleteOfOneRowWaitsForTheRowBeforeDeletingAnythingOfIt() throws Exception {
    long first = pair("PA-1", "PB-1");
    rows.putSyncedValues(first, java.util.Map.of("m-summary",
        com.fasterxml.jackson.databind.node.TextNode.valueOf("v")));
    List<String> deletes = new ArrayList<>();
    db.afterFirst("DELETE", () -> deletes.add("a delete sent"));
    try (Connection deleteOfAll = DriverManager.getConnection(url);
        Statement s = deleteOfAll.createStatement()) {
      deleteOfAll.setAutoCommit(false);
      s.executeQuery("SELECT id FROM bb_sync_info WHERE id = " + first + " FOR UPDATE").close();

      org.backbonesync.spi.SyncException e = assertThrows(
          org.backbonesync.spi.SyncException.class, () -> stores.inTransaction(() -> {
            stores.run(c -> {
              try (Statement timeout = c.createStatement()) {
                timeout.execute(lockTimeoutOfAMillisecond());
              }
              return null;
            });
            return rows.delete("PA", first);
          }));

      assertTrue(e.getMessage().contains(lockTimedOut()), e.getMessage());
      assertEquals(List.of(), deletes, "nothing of the row deleted before its lock");
      deleteOfAll.rollback();
    }
    assertTrue(rows.delete("PA", first), "once the lock is let go");
  }

  /**
   * The engine pairs an issue, with a paired issue link, while an admin deletes all of the
   * connector's rows, after the delete locked the rows it deletes: the new row stays, and so does
   * its link. Before, the delete of all deleted every paired link of the connector, the new row's
   * too, so a later removal of that link on the partner was never carried over.
   */
  @Test
  void aRowMadeMeanwhileKeepsItsIssueLinks() {
    long first = pair("PA-1", "PB-1");
    pair("PA-2", "PB-2");
    rows.putPairedLink("PA", new PairedLink("10", "20", "Blocks", "PA-1", "PA-2",
        PairedLink.OUTWARD, false));
    PairedLink meanwhile = new PairedLink("11", "21", "Relates", "PA-3", "PA-9",
        PairedLink.OUTWARD, false);
    try (JdbcStores engine = JdbcStores.open(new CountedStatements(url).dataSource)) {
      db.afterFirst("SELECT id FROM bb_sync_info", () -> {
        engine.syncInfo().insert(new SyncInfo(0, "PA", "PA-3", "PB-3", 1000, 1000, 1000, 0, 0, 0,
            false, 0, 0, 1000, 0, false));
        engine.syncInfo().putPairedLink("PA", meanwhile);
      });

      assertEquals(2, rows.deleteAll("PA"));
    }

    assertEquals(List.of("PA-3"), rows.list("PA").stream().map(SyncInfo::localIssueKey).toList());
    assertEquals(List.of(meanwhile), rows.pairedLinks("PA", "PA-3"), "the new row's link stays");
    assertEquals(List.of(), rows.pairedLinks("PA", "PA-1"), "the deleted rows' link went");
    assertTrue(rows.findById("PA", first).isEmpty());
  }

  @Test
  void aRowNoOneElseDeletesIsDeletedAndCounted() {
    long id = pair("PA-1", "PB-1");
    pair("PA-2", "PB-2");

    assertTrue(rows.delete("PA", id));
    assertFalse(rows.delete("PA", id));
    assertEquals(1, rows.deleteAll("PA"));
  }
}
