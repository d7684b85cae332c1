package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row whose issue another writer paired between the store's check and its write (two imports
 * at once, an import and a poll) is refused as the check refuses it, a {@link
 * DuplicateSyncInfoException} naming the issue (the admin API's 409), not a failed operation
 * with the database's text (a 500): the database's own refusal, on H2 and PostgreSQL, is read as
 * that.
 */
class PairedMeanwhileTest {
  private static final SyncInfo ROW =
      new SyncInfo(0, "PA", "PA-1", "PB-1", 1000, 1000, 1000, 0, 0, 0, false, 0, 0, 1000, 0, false);

  @TempDir Path dir;

  @Test
  void onH2() throws SQLException {
    readsTheDatabasesRefusal(JdbcStores.h2Url(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() throws SQLException {
    readsTheDatabasesRefusal(PostgresStoresTest.freshSchemaUrl());
  }

  private void readsTheDatabasesRefusal(String url) throws SQLException {
    try (JdbcStores stores = JdbcStores.atUrl(url, null, null)) {
      stores.syncInfo().insert(ROW);
      // what the store meets when the row came after its check: the database's refusal
      SQLException local = refusal(url, "'PA-1', 'PB-9'");
      SQLException remote = refusal(url, "'PA-9', 'PB-1'");

      DuplicateSyncInfoException onLocal = JdbcSyncInfoStore.duplicate(local, ROW);
      assertNotNull(onLocal, local.toString());
      assertEquals("local issue PA-1 was paired in connector PA meanwhile (by another writer)",
          onLocal.getMessage());
      DuplicateSyncInfoException onRemote = JdbcSyncInfoStore.duplicate(remote, ROW);
      assertNotNull(onRemote, remote.toString());
      assertEquals("remote issue PB-1 was paired in connector PA meanwhile (by another writer)",
          onRemote.getMessage());
      assertNull(JdbcSyncInfoStore.duplicate(new SQLException("disk full", "53100"), ROW));
      SQLException primaryKey = refusal(url, "'PA-9', 'PB-9'", 1);
      assertNull(JdbcSyncInfoStore.duplicate(primaryKey, ROW),
          "an id sequence behind its table is no pair made meanwhile: " + primaryKey);
      // and the store's own check, before the database, still refuses as ever
      assertThrows(DuplicateSyncInfoException.class, () -> stores.syncInfo().insert(ROW));
    }
  }

  private static SQLException refusal(String url, String keys) throws SQLException {
    return refusal(url, keys, 0);
  }

  /** The database's refusal of a row with these keys, and this id unless 0. */
  private static SQLException refusal(String url, String keys, long id) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO bb_sync_info (" + (id == 0 ? "" : "id, ") + "connector_key,"
          + " local_issue_key, remote_issue_key,"
          + " first_sync_date, last_outgoing_change, last_change_seen, outgoing_sequence_id,"
          + " last_incoming_change, incoming_sequence_id, incoming_changes_ignored)"
          + " VALUES (" + (id == 0 ? "" : id + ", ") + "'PA', " + keys
          + ", 0, 0, 0, 0, 0, 0, false)");
    } catch (SQLException e) {
      return e;
    }
    throw new AssertionError("the database took a second pair of " + keys);
  }
}
