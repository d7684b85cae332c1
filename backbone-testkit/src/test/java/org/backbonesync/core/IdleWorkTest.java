package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;
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
    return new Stores() {
      @Override
      public SyncInfoStore syncInfo() {
        return real.syncInfo();
      }

      @Override
      public MessageStore messages() {
        return real.messages();
      }

      @Override
      public WatermarkStore watermarks() {
        return real.watermarks();
      }

      @Override
      public TaskStore tasks() {
        return real.tasks();
      }

      @Override
      public ConflictStore conflicts() {
        return real.conflicts();
      }

      @Override
      public LeaseStore leases() {
        return leases;
      }

      @Override
      public TraceStore trace() {
        return real.trace();
      }

      @Override
      public <T> T inTransaction(Supplier<T> work) {
        return real.inTransaction(work);
      }
    };
  }
}
