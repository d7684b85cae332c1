package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.TakeBackOnStores.bobsLabelsWhileAIgnores;
import static org.backbonesync.jdbc.TakeBackOnStores.rowA;
import static org.backbonesync.jdbc.TakeBackOnStores.settle;
import static org.backbonesync.jdbc.TakeBackOnStores.takeBack;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * bb_skipped_base on PostgreSQL (a cold review's, helper-118; the other store tests of it run
 * on H2): a transaction that throws takes the base back, deleteAll and a row's delete forget it, a take-back
 * after a restart on fresh stores at the same URL merges against it.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class SkippedBaseOnPostgresTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void rollsBackAndIsDeletedWithRows() {
    Stores stores = PostgresStoresTest.fresh();
    var store = stores.syncInfo();
    SyncInfo row = store.insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
    SyncInfo two = store.insert(SyncInfo.newPair("PA", "PA-2", "PB-2", 1000));
    var kept = JSON.objectNode();
    kept.set("base", JSON.arrayNode().add("a"));
    store.putSkippedBases(row.id(), Map.of("m1", kept));
    store.putSkippedBases(two.id(), Map.of("m1", kept));
    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.removeSkippedBases(row.id(), List.of("m1"));
      store.putSkippedBases(row.id(), Map.of("m2", kept));
      store.putSkippedBases(two.id(), Map.of("m1", JSON.objectNode()));
      throw new IllegalStateException("boom");
    }));
    assertEquals(Map.of("m1", kept), store.skippedBases(row.id()), "rolled back");
    assertEquals(Map.of("m1", kept), store.skippedBases(two.id()), "rolled back");
    store.delete("PA", row.id());
    assertEquals(Map.of(), store.skippedBases(row.id()), "gone with its row");
    assertEquals(Map.of("m1", kept), store.skippedBases(two.id()), "the other stays");
    store.deleteAll("PA");
    assertEquals(Map.of(), store.skippedBases(two.id()), "gone with deleteAll");
  }

  @Test
  void takeBackAfterARestartOnFreshStores() {
    String url = PostgresStoresTest.freshSchemaUrl();
    SyncTestDriver sync = bobsLabelsWhileAIgnores(JdbcStores.atUrl(url, null, null));
    long row = rowA(sync);
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base", "old", "alice")));
    settle(sync);
    assertFalse(JdbcStores.atUrl(url, null, null).syncInfo().skippedBases(row).isEmpty(),
        "kept in PostgreSQL");

    sync.restartOn(JdbcStores.atUrl(url, null, null));
    takeBack(sync, row);

    assertEquals(java.util.Set.of("base", "carol", "alice"), set(sync.a().value("PA-1", "labels")));
    assertEquals(java.util.Set.of("base", "carol", "alice"), set(sync.b().value("PB-1", "labels")));
    assertEquals(Map.of(), JdbcStores.atUrl(url, null, null).syncInfo().skippedBases(row),
        "taken up by the merge");

    // ignoring again, then the row deleted by the admin: its base goes with it
    sync.engine().setIncomingChangesIgnored("PA", row, true);
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base")));
    settle(sync);
    assertFalse(JdbcStores.atUrl(url, null, null).syncInfo().skippedBases(row).isEmpty());
    sync.engine().deleteSyncInformation("PA", row);
    assertEquals(Map.of(), JdbcStores.atUrl(url, null, null).syncInfo().skippedBases(row),
        "deleted with the row");
  }

  private static java.util.Set<String> set(com.fasterxml.jackson.databind.JsonNode labels) {
    java.util.Set<String> out = new java.util.HashSet<>();
    labels.forEach(l -> out.add(l.asText()));
    return out;
  }
}
