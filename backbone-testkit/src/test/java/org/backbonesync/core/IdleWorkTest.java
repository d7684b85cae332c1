package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An idle engine writes as little as it can: a delivery with nothing due takes no lease (a node
 * serving many synchronizations would otherwise write two lease rows per connector and run).
 */
class IdleWorkTest {
  private final AtomicInteger leasesTaken = new AtomicInteger();
  private final SyncTestDriver sync =
      SyncTestDriver.builder().stores(countingLeases(new InMemoryStores())).build();

  @Test
  void aDeliveryWithNothingDueTakesNoLeaseAndOneWithAMessageDoes() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    leasesTaken.set(0);

    assertEquals(0, sync.deliver("PA"));
    assertEquals(0, sync.deliver("PB"));
    assertEquals(0, leasesTaken.get(), "idle: no lease");

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.poll("PA"); // (its own lease and the pair's claim)
    leasesTaken.set(0);
    assertEquals(1, sync.deliver("PA"));
    assertEquals(1, leasesTaken.get(), "a message to deliver: the lease, as between nodes");
  }

  /** The stores, with every lease taken counted. */
  private Stores countingLeases(Stores real) {
    LeaseStore leases = new LeaseStore() {
      @Override
      public boolean tryLease(String scope, String key, String node, long now, long until) {
        leasesTaken.incrementAndGet();
        return real.leases().tryLease(scope, key, node, now, until);
      }

      @Override
      public void release(String scope, String key, String node) {
        real.leases().release(scope, key, node);
      }
    };
    return new ForwardingStores(real) {
      @Override
      public LeaseStore leases() {
        return leases;
      }
    };
  }
}
