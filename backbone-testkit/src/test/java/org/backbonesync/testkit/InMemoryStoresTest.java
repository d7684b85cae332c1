package org.backbonesync.testkit;

import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.backbonesync.testkit.kit.LeaseStoreCompatibilityKit;
import org.backbonesync.testkit.kit.MessageStoreCompatibilityKit;
import org.backbonesync.testkit.kit.SyncInfoStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TaskStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TraceStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;

/** The in-memory stores pass the store compatibility kits. */
class InMemoryStoresTest {
  @Nested
  class SyncInfos extends SyncInfoStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }

  @Nested
  class Tasks extends TaskStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }

  @Nested
  class Leases extends LeaseStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }

  @Nested
  class Messages extends MessageStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }

  @Nested
  class Traces extends TraceStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return new InMemoryStores();
    }
  }
}
