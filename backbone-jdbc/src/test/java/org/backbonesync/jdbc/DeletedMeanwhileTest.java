package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final String url = "jdbc:h2:mem:deleted" + DATABASES.incrementAndGet()
      + ";DB_CLOSE_DELAY=-1";
  private final CountedStatements db = new CountedStatements(url);
  private final JdbcStores stores = JdbcStores.open(db.dataSource);
  private final SyncInfoStore rows = stores.syncInfo();

  @AfterEach
  void close() {
    stores.close();
  }

  private long pair(String local, String remote) {
    return rows.insert(
        new SyncInfo(0, "PA", local, remote, 1000, 1000, 1000, 0, 0, 0, false, 0, 0, 1000, 0))
        .id();
  }

  /** Another admin's delete of the row, committed, right after the store read it. */
  private void deletedByAnotherAdminAfterTheRead(long id) {
    db.afterFirst("SELECT", () -> {
      try (Connection other = DriverManager.getConnection(url);
          Statement s = other.createStatement()) {
        s.executeUpdate("DELETE FROM bb_synced_value WHERE sync_info_id = " + id);
        assertEquals(1, s.executeUpdate("DELETE FROM bb_sync_info WHERE id = " + id));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void aRowAnotherAdminDeletedAfterTheReadIsNotDeletedTwice() {
    long id = pair("PA-1", "PB-1");
    deletedByAnotherAdminAfterTheRead(id);

    assertFalse(rows.delete("PA", id), "the other admin deleted it: this one is a 404");
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
    List<String> otherAdmin = new ArrayList<>();
    db.afterFirst("SELECT", () -> {
      try (Connection other = DriverManager.getConnection(url);
          Statement s = other.createStatement()) {
        s.execute("SET LOCK_TIMEOUT 1"); // (ms) so as not to wait here, on this thread
        otherAdmin.add("deleted " + s.executeUpdate("DELETE FROM bb_sync_info WHERE id = "
            + first));
      } catch (SQLException e) {
        otherAdmin.add("waited: " + e.getSQLState());
      }
    });

    assertEquals(2, rows.deleteAll("PA"));

    assertEquals(List.of("waited: HYT00"), otherAdmin, "a lock timeout: the row was locked");
    assertEquals(0, rows.list("PA").size());
  }

  /**
   * Deleting all of a connector's rows is a locking read and 7 statements per hundred rows (a
   * statement per table): 7 per row before, 70,000 round trips for 10,000 pairs in one request.
   */
  @Test
  void deleteAllDeletesAHundredRowsAtATime() throws SQLException {
    for (int i = 1; i <= 250; i++) {
      long id = pair("PA-" + i, "PB-" + i);
      rows.putSyncedValues(id, java.util.Map.of("m-summary",
          com.fasterxml.jackson.databind.node.TextNode.valueOf("v" + i)));
    }
    db.reset();

    assertEquals(250, rows.deleteAll("PA"));

    assertEquals(1 + 3 * 7 + 1, db.executions(), "the lock, 3 chunks, the issue links");
    assertEquals(0, rows.list("PA").size());
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM bb_synced_value")) {
      r.next();
      assertEquals(0, r.getInt(1), "the synced values went with their rows");
    }
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
