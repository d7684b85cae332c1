package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.Stores;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LeaseStore} must do, {@link LeaseStore#leases} included. Extend it and
 * implement {@link #newStores()}; each test gets empty stores.
 */
public abstract class LeaseStoreCompatibilityKit extends StoresKit<LeaseStore> {

  @Override
  final LeaseStore storeOf(Stores fresh) {
    return fresh.leases();
  }

  @Test
  void aReleaseJoinsTheTransactionAroundItWhenTheStoreSaysSo() {
    Assumptions.assumeTrue(store.releaseJoinsTransactions(),
        "this store releases in transactions of their own");
    assertTrue(store.tryLease("inbox:PB", "PA-1", "node-1", 0, 100));
    assertTrue(store.tryLease("inbox:PB", "PA-2", "node-1", 0, 100));
    IllegalStateException rollback = new IllegalStateException("rolled back");

    assertSame(rollback, assertThrows(IllegalStateException.class,
        () -> stores.inTransaction(() -> {
          store.release("inbox:PB", List.of("PA-1"), "node-1");
          store.release("inbox:PB", "PA-2", "node-1");
          throw rollback;
        })));

    assertFalse(store.tryLease("inbox:PB", "PA-1", "node-2", 10, 110), "rolled back: held");
    assertFalse(store.tryLease("inbox:PB", "PA-2", "node-2", 10, 110), "rolled back: held");
    stores.inTransaction(() -> {
      store.release("inbox:PB", List.of("PA-1"), "node-1");
      store.release("inbox:PB", "PA-2", "node-1");
    });
    assertTrue(store.tryLease("inbox:PB", "PA-1", "node-2", 10, 110), "committed: free");
    assertTrue(store.tryLease("inbox:PB", "PA-2", "node-2", 10, 110), "committed: free");
  }

  @Test
  void aLeaseHeldByAnotherNodeIsRefusedUntilItExpires() {
    assertTrue(store.tryLease("poll", "PA", "node-1", 0, 100));
    assertFalse(store.tryLease("poll", "PA", "node-2", 50, 150));
    assertTrue(store.tryLease("poll", "PA", "node-1", 50, 150), "its holder renews it");
    assertTrue(store.tryLease("poll", "PA", "node-2", 150, 250), "expired: anyone takes it");

    store.release("poll", "PA", "node-1");
    assertFalse(store.tryLease("poll", "PA", "node-1", 160, 260), "not released by another");
  }

  @Test
  void leasesListsTheUnexpiredLeasesOfAScopeByKey() {
    store.tryLease("inbox:PB", "PA-2", "node-2", 0, 100);
    store.tryLease("inbox:PB", "PA-1", "node-1", 0, 300);
    store.tryLease("inbox:PB", "PA-3", "node-1", 0, 50);
    store.tryLease("poll", "PA", "node-1", 0, 100);

    assertEquals(List.of(new Lease("inbox:PB", "PA-1", "node-1", 300),
            new Lease("inbox:PB", "PA-2", "node-2", 100)),
        store.leases("inbox:PB", 60, 10).orElseThrow());
    assertEquals(1, store.leases("inbox:PB", 60, 1).orElseThrow().size());
    assertEquals(List.of(new Lease("poll", "PA", "node-1", 100)),
        store.leases("poll", 60, 10).orElseThrow());

    store.release("inbox:PB", "PA-1", "node-1");
    assertEquals(List.of(new Lease("inbox:PB", "PA-2", "node-2", 100)),
        store.leases("inbox:PB", 60, 10).orElseThrow());
    assertEquals(List.of(), store.leases("deliver", 60, 10).orElseThrow());
  }

  @Test
  void severalLeasesAtOnceBehaveAsOneByOne() {
    assertTrue(store.tryLease("inbox:PB", "PA-2", "node-2", 0, 100)); // held by another
    assertTrue(store.tryLease("inbox:PB", "PA-3", "node-2", 0, 10)); // expired at 50
    assertTrue(store.tryLease("inbox:PB", "PA-4", "node-1", 0, 100)); // held by itself
    List<String> keys = new java.util.ArrayList<>(List.of("PA-4", "PA-3", "PA-2", "PA-1"));
    for (int i = 100; i < 250; i++) {
      keys.add("PA-" + i); // (more than a store may read or write at once)
    }

    java.util.Set<String> held = store.tryLeases("inbox:PB", keys, "node-1", 50, 200);

    java.util.Set<String> expected = new java.util.HashSet<>(keys);
    expected.remove("PA-2");
    assertEquals(expected, held);
    assertEquals(new Lease("inbox:PB", "PA-2", "node-2", 100),
        store.leases("inbox:PB", 60, 1000).orElseThrow().stream()
            .filter(l -> l.key().equals("PA-2")).findFirst().orElseThrow());
    assertFalse(store.tryLease("inbox:PB", "PA-1", "node-2", 60, 160), "taken by node-1");

    store.release("inbox:PB", keys, "node-1");
    assertEquals(List.of(new Lease("inbox:PB", "PA-2", "node-2", 100)),
        store.leases("inbox:PB", 60, 1000).orElseThrow(), "only its own are given back");
    assertEquals(java.util.Set.of("PA-1", "PA-4"),
        store.tryLeases("inbox:PB", List.of("PA-1", "PA-2", "PA-4"), "node-3", 70, 170));
  }

  /**
   * Two nodes claiming, renewing and releasing overlapping keys at once, some leases left to
   * expire and taken over, as two engine nodes' applies and polls do: neither fails (a store
   * whose transactions take rows in different orders deadlocks here).
   */
  @Test
  void twoNodesClaimingAndReleasingTheSameKeysAtOnceNeitherFails() throws Exception {
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
      for (String node : List.of("node-1", "node-2")) {
        runs.add(threads.submit(() -> {
          java.util.Random random = new java.util.Random(node.hashCode());
          for (int round = 0; round < 400; round++) {
            List<String> keys = new java.util.ArrayList<>();
            for (int k = 0; k < 12; k++) {
              keys.add("PA-" + random.nextInt(30));
            }
            long now = round * 10L;
            java.util.Set<String> held = store.tryLeases("inbox:PB", keys, node, now, now + 25);
            // some are left to expire (a node that stopped), the rest given back
            store.release("inbox:PB", held.stream().filter(k -> random.nextInt(3) > 0)
                .toList(), node);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get(2, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
