package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LeaseStore} must do, {@link LeaseStore#leases} included. Extend it and
 * implement {@link #newStores()}; each test gets empty stores.
 */
public abstract class LeaseStoreCompatibilityKit {
  protected LeaseStore store;

  /** Fresh, empty stores for one test. */
  protected abstract Stores newStores();

  @BeforeEach
  void setUpStores() {
    store = newStores().leases();
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
}
