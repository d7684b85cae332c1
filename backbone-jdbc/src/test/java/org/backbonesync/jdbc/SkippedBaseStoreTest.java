package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skipped bases ({@code bb_skipped_base}) beyond what the compatibility kit checks: a
 * transaction that throws takes its writes back, deleteAll forgets them, and the engine's JSON
 * (an object, a null in it) is kept as given. On H2 files and in memory. (From helper-116's
 * review.)
 */
class SkippedBaseStoreTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  @TempDir Path dir;

  @Test
  void h2() {
    check(JdbcStores.inDirectory(dir));
  }

  @Test
  void memory() {
    check(new InMemoryStores());
  }

  private static void check(Stores stores) {
    var store = stores.syncInfo();
    SyncInfo row = store.insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
    var kept = JSON.objectNode();
    kept.set("base", JSON.arrayNode().add("a"));
    kept.set("last", JSON.nullNode());
    store.putSkippedBases(row.id(), Map.of("m1", kept));
    assertEquals(Map.of("m1", kept), store.skippedBases(row.id()), "kept as given");

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.removeSkippedBases(row.id(), List.of("m1"));
      store.putSkippedBases(row.id(), Map.of("m2", kept));
      throw new IllegalStateException("boom");
    }));
    assertEquals(Map.of("m1", kept), store.skippedBases(row.id()), "rolled back");

    store.deleteAll("PA");
    assertEquals(Map.of(), store.skippedBases(row.id()), "gone with the rows");
  }
}
