package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TraceStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The JDBC envelope id and trace stores on H2 pass their compatibility kits. */
class JdbcEnvelopeIdStoreTest {

  /**
   * A write the database refuses for another reason than the id being there (here a scope over
   * its column's 200 characters: a long synchronization id) is thrown: taken for an envelope
   * taken already, every envelope was refused as a replay (409), for good and naming no cause.
   */
  @Test
  void aStoreThatFailsIsNoEnvelopeTakenAlready() {
    try (JdbcStores stores = (JdbcStores) H2StoresTest.fresh()) {
      assertAFailureIsThrown(stores.envelopeIds());
    }
  }

  static void assertAFailureIsThrown(EnvelopeIdStore ids) {
    SyncException e = assertThrows(SyncException.class,
        () -> ids.remember("s".repeat(201), "id-1", 1_000, 0));

    assertTrue(e.getMessage().contains("22001"), e.getMessage()); // value too long
    assertTrue(ids.remember("sync/PB", "id-1", 1_000, 0));
    assertFalse(ids.remember("sync/PB", "id-1", 1_000, 10), "taken already");
  }

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return H2StoresTest.fresh();
    }
  }

  @Nested
  class Traces extends TraceStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return H2StoresTest.fresh();
    }
  }
}
