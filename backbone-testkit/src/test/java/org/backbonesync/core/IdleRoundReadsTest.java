package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A round ({@link SyncEngine#runOnce()}) delivers a second time only what its applies appended or
 * its first deliveries may have left: an idle round looks at each outbox once, and a reply an
 * apply appends still leaves in the same round.
 */
class IdleRoundReadsTest {
  private final CountingStores stores = new CountingStores(new InMemoryStores());
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();

  @Test
  void anIdleRoundLooksAtEachOutboxOnce() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    stores.reset();

    sync.advance(Duration.ofSeconds(5));
    sync.step();

    assertEquals(2L, stores.calls().get("hasDueOutgoing"), stores.calls().toString());
    assertEquals(2L, stores.calls().get("nextIncoming"), stores.calls().toString());
  }

  @Test
  void whatTheFirstDeliveryLeftLeavesInTheSecond() {
    SyncTestDriver small = SyncTestDriver.builder()
        .engine(engine -> engine.deliveryBatchSize(1)).build();
    for (int i = 1; i <= 3; i++) {
      small.a("alice").create("issue " + i);
    }

    small.step(); // three creates queued; the first delivery takes one, the second another

    assertEquals(1, small.stores().messages().outgoingCount("PA"));
  }

  @Test
  void theReplyAnApplyAppendsLeavesInTheSameRound() {
    sync.a("alice").create("Printer on fire");

    sync.step(); // A's create goes out and is applied on B, whose pairing reply leaves

    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, sync.stores().messages().outgoingCount("PB"));
    assertEquals(1, sync.stores().messages().incomingCount("PA"));
  }
}
