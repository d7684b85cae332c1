package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
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

  private final AtomicInteger removals = new AtomicInteger();
  private final Stores stores = counting(new InMemoryStores());

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
    removals.set(0);
    sync.runUntilQuiet();
    assertEquals("from B, nothing of A's pending", sync.a().value("PA-1", "summary").asText());
    assertEquals(0, removals.get(), "removals asked with nothing pending");

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
    assertEquals(1, removals.get(), "removals asked");
    assertEquals(Map.of(), stores.syncInfo().pendingChanges(rowA.id()));
    sync.runUntilQuiet();
    assertEquals("from B, newer", sync.b().value("PB-1", "summary").asText());
  }

  /** The stores, counting {@link SyncInfoStore#removePendingChange} calls. */
  private Stores counting(Stores real) {
    SyncInfoStore syncInfo = delegate(SyncInfoStore.class, real.syncInfo(), name -> {
      if (name.equals("removePendingChange")) {
        removals.incrementAndGet();
      }
    }, null);
    return delegate(Stores.class, real, name -> { }, syncInfo);
  }

  /** {@code real} behind a proxy that tells {@code seen} each call; a syncInfo() of its own. */
  private static <T> T delegate(Class<T> type, T real, Consumer<String> seen,
      SyncInfoStore syncInfo) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          seen.accept(method.getName());
          if (syncInfo != null && method.getName().equals("syncInfo")) {
            return syncInfo;
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }
}
