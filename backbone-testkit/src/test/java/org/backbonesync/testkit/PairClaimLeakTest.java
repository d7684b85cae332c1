package org.backbonesync.testkit;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.junit.jupiter.api.Test;

/**
 * A poll whose read of its claimed rows (PageClaims.readAgain, right after the claim) fails gives
 * the page's pairs back: it kept them claimed in the engine's memory for its life (the leases
 * expired, the in-memory claims did not), so that pair was never polled or applied again until a
 * restart.
 */
class PairClaimLeakTest {

  /**
   * findByLocalKeysAgain from PageClaims.readAgain fails on its call {@code failAt} (1-based).
   */
  static final class FlakyStores extends ForwardingStores {
    final AtomicInteger calls = new AtomicInteger();
    volatile int failAt = -1;
    private final SyncInfoStore syncInfo;

    FlakyStores(InMemoryStores delegate) {
      super(delegate);
      SyncInfoStore real = delegate.syncInfo();
      syncInfo = (SyncInfoStore) Proxy.newProxyInstance(SyncInfoStore.class.getClassLoader(),
          new Class<?>[] {SyncInfoStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("findByLocalKeysAgain") && failAt > 0
                && StackWalker.getInstance().walk(f -> f.anyMatch(
                    x -> x.getMethodName().equals("readAgain")))
                && calls.incrementAndGet() == failAt) {
              throw new IllegalStateException("connection lost");
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public SyncInfoStore syncInfo() {
      return syncInfo;
    }
  }

  private final FlakyStores stores = new FlakyStores(new InMemoryStores());
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();

  /** PA-1 synced, then edited; a poll of PA fails on its first read after the claim. */
  private String editedAndItsPollFailedAfterTheClaim() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    sync.a("alice").edit(pa1, "summary", text("Printer still on fire"));
    sync.advance(Duration.ofMinutes(1));
    stores.calls.set(0);
    stores.failAt = 1; // the first read of PageClaims.readAgain, after the claim
    assertThrows(RuntimeException.class, () -> sync.poll(sync.keyA()));
    stores.failAt = -1; // the store is fine again
    return pa1;
  }

  /** Runs until quiet twice, each after an hour: any lease taken before has long expired. */
  private void runForTwoHours() {
    sync.advance(Duration.ofHours(1));
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(1));
    sync.runUntilQuiet();
  }

  @Test
  void aFailedReadAfterTheClaimDoesNotKeepThePairClaimedForever() {
    editedAndItsPollFailedAfterTheClaim();

    runForTwoHours();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void theApplyOfThatPairGoesOnToo() {
    String pa1 = editedAndItsPollFailedAfterTheClaim();
    sync.b("bob").edit("PB-1", "priority", text("High"));

    runForTwoHours(); // (it never went quiet: the message for PA-1 waited for the claim)

    assertEquals("High", sync.a().value(pa1, "priority").asText());
  }
}
