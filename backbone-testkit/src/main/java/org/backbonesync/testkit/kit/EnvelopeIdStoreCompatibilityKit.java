package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.Stores;
import org.junit.jupiter.api.Test;

/** What every {@link EnvelopeIdStore} must do. Extend it and implement {@link #newStores()}. */
public abstract class EnvelopeIdStoreCompatibilityKit extends StoresKit<EnvelopeIdStore> {

  @Override
  final EnvelopeIdStore storeOf(Stores fresh) {
    return fresh.envelopeIds();
  }

  @Test
  void anIdIsRememberedOnceUntilItExpires() {
    assertFalse(store.isRemembered("pa-pb/PB", "e-1", 1000));
    assertTrue(store.remember("pa-pb/PB", "e-1", 5000, 1000));
    assertFalse(store.remember("pa-pb/PB", "e-1", 9000, 2000));
    assertTrue(store.isRemembered("pa-pb/PB", "e-1", 4999));
    assertFalse(store.isRemembered("pa-pb/PB", "e-1", 5000));
    assertTrue(store.remember("pa-pb/PB", "e-1", 9000, 5000)); // expired: taken again
  }

  @Test
  void scopesAreApart() {
    assertTrue(store.remember("pa-pb/PB", "e-1", 5000, 1000));
    assertTrue(store.remember("pa-pb/PA", "e-1", 5000, 1000));
    assertFalse(store.isRemembered("other/PB", "e-1", 1000));
  }

  @Test
  void expiredIdsAreForgottenAndTheOthersKept() {
    store.remember("s", "old", 2000, 1000);
    store.remember("s", "new", 9000, 1000);
    assertEquals(1, store.forgetExpired(3000));
    assertFalse(store.isRemembered("s", "old", 1500));
    assertTrue(store.isRemembered("s", "new", 3000));
  }

  @Test
  void theLongestIdAndScopeAreHeld() {
    String scope = "s".repeat(EnvelopeIdStore.MAX_SCOPE_LENGTH);
    String id = "e".repeat(EnvelopeIdStore.MAX_ID_LENGTH);
    assertTrue(store.remember(scope, id, 5000, 1000));
    assertTrue(store.isRemembered(scope, id, 1000));
  }

  @Test
  void anIdRememberedInATransactionThatFailsIsNotRemembered() {
    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.remember("s", "e-1", 5000, 1000);
      throw new IllegalStateException("the messages could not be stored");
    }));
    assertFalse(store.isRemembered("s", "e-1", 1000));
  }

  @Test
  void ofManyCallersRememberingOneIdOneGetsIt() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(() -> store.remember("s", "e-race", 5000, 1000));
      }
      int won = 0;
      for (Future<Boolean> f : threads.invokeAll(calls)) {
        won += f.get() ? 1 : 0;
      }
      assertEquals(1, won);
    } finally {
      threads.shutdownNow();
    }
  }
}
