package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An idle engine writes as little as it can: a delivery with nothing due takes no lease (a node
 * serving many synchronizations would otherwise write two lease rows per connector and run).
 */
class IdleWorkTest {
  private final RecordedLeases leasesTaken = new RecordedLeases();
  private final SyncTestDriver sync =
      SyncTestDriver.builder().stores(leasesTaken.wrap(new InMemoryStores())).build();

  @Test
  void aDeliveryWithNothingDueTakesNoLeaseAndOneWithAMessageDoes() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    leasesTaken.clear();

    assertEquals(0, sync.deliver("PA"));
    assertEquals(0, sync.deliver("PB"));
    assertEquals(0, leasesTaken.count(), "idle: no lease");

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.poll("PA"); // (its own lease and the pair's claim)
    leasesTaken.clear();
    assertEquals(1, sync.deliver("PA"));
    assertEquals(1, leasesTaken.count(), "a message to deliver: the lease, as between nodes");
  }
}
