package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** The one-statement update of a row whose remote key is null (IS NOT DISTINCT FROM). */
class SyncInfoUpdateFastPathTest {
  @TempDir Path dir;

  private static void keepsANullRemoteKey(Stores stores) {
    SyncInfo row = stores.syncInfo().insert(
        new SyncInfo(0, "PA", "PA-1", null, 1000, 1100, 1050, 3, 1200, 2, false, 0, 0, 1010, 0, false));
    stores.inTransaction(() -> {
      SyncInfo locked = stores.syncInfo().findByIdForUpdate("PA", row.id()).orElseThrow();
      stores.syncInfo().update(locked.withSent(4, 2000));
      return null;
    });
    SyncInfo after = stores.syncInfo().findById("PA", row.id()).orElseThrow();
    assertNull(after.remoteIssueKey());
    assertEquals(4, after.outgoingMessageSequenceId());
    // and one paired on another connector with the same local key is not touched
    SyncInfo other = stores.syncInfo().insert(
        new SyncInfo(0, "PB", "PA-1", null, 1000, 1100, 1050, 3, 1200, 2, false, 0, 0, 1010, 0, false));
    stores.syncInfo().update(after.withSent(5, 3000));
    assertEquals(3, stores.syncInfo().findById("PB", other.id()).orElseThrow()
        .outgoingMessageSequenceId());
    assertEquals(5, stores.syncInfo().findById("PA", row.id()).orElseThrow()
        .outgoingMessageSequenceId());
  }

  @Test
  void onH2() {
    keepsANullRemoteKey(JdbcStores.inDirectory(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() {
    keepsANullRemoteKey(JdbcStores.atUrl(PostgresStoresTest.freshSchemaUrl(), null, null));
  }
}
