package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.backbonesync.testkit.kit.LeaseStoreCompatibilityKit;
import org.backbonesync.testkit.kit.MessageStoreCompatibilityKit;
import org.backbonesync.testkit.kit.SyncInfoStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TaskStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TraceStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * Every store kit closes each test's stores when they are {@link AutoCloseable}, as a JDBC
 * store's are: without it a suite of kits on PostgreSQL kept about 60 connections open, near
 * the server's default limit of 100.
 */
class KitsCloseStoresTest {
  private static final AtomicInteger OPENED = new AtomicInteger();
  private static final Set<Closing> OPEN = ConcurrentHashMap.newKeySet();

  /** In-memory stores that count as open until closed. */
  static final class Closing extends ForwardingStores implements AutoCloseable {
    Closing() {
      super(new InMemoryStores());
      OPENED.incrementAndGet();
      OPEN.add(this);
    }

    @Override
    public void close() {
      OPEN.remove(this);
    }
  }

  @AfterAll
  static void everyTestsStoresWereClosed() {
    assertTrue(OPENED.get() >= 60, "the kits ran: " + OPENED.get() + " stores opened");
    assertEquals(0, OPEN.size(), OPEN.size() + " of " + OPENED.get() + " stores left open");
  }

  @Nested
  class SyncInfos extends SyncInfoStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }

  @Nested
  class Messages extends MessageStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }

  @Nested
  class Leases extends LeaseStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }

  @Nested
  class Tasks extends TaskStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }

  @Nested
  class Traces extends TraceStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new Closing();
    }
  }
}
