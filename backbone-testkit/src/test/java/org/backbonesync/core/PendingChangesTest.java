package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A change of ours sent to the partner stays pending until the partner's answer settles it; an
 * apply with nothing of ours pending asks the store to remove nothing (on a database that was a
 * delete per field of every message applied).
 */
class PendingChangesTest {
  private static final FieldMapping SUMMARY =
      FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH);

  private final CountingStores stores = new CountingStores(new InMemoryStores());

  @Test
  void onlyAPendingChangeIsSettled() {
    SyncTestDriver sync = SyncTestDriver.builder().fieldMapping(SUMMARY).stores(stores).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    SyncInfo rowA = sync.syncInfoA().get(0);

    sync.b("bob").edit("PB-1", "summary", "from B, settling the create's summary");
    sync.runUntilQuiet();
    assertEquals(Map.of(), stores.syncInfo().pendingChanges(rowA.id()));

    sync.b("bob").edit("PB-1", "summary", "from B, nothing of A's pending");
    stores.reset();
    sync.runUntilQuiet();
    assertEquals("from B, nothing of A's pending", sync.a().value("PA-1", "summary").asText());
    assertEquals(0, removals(), "removals asked with nothing pending");

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "from A");
    sync.poll("PA"); // A's change goes and stays pending on A's row
    assertTrue(stores.syncInfo().pendingChanges(rowA.id()).containsKey(SyncTestDriver.SUMMARY));
    sync.advance(Duration.ofSeconds(5));
    sync.b("bob").edit("PB-1", "summary", "from B, newer");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // B's newer change wins on A and settles A's
    assertEquals("from B, newer", sync.a().value("PA-1", "summary").asText());
    assertEquals(1, removals(), "removals asked");
    assertEquals(Map.of(), stores.syncInfo().pendingChanges(rowA.id()));
    sync.runUntilQuiet();
    assertEquals("from B, newer", sync.b().value("PB-1", "summary").asText());
  }

  /** The calls to remove a pending change since the last reset. */
  private long removals() {
    return stores.calls().getOrDefault("removePendingChange", 0L);
  }
}
