package org.backbonesync.jdbc;

import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TraceStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;

/** The JDBC envelope id and trace stores on H2 pass their compatibility kits. */
class JdbcEnvelopeIdStoreTest {

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
