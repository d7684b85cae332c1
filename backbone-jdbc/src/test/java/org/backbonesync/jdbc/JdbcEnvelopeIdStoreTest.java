package org.backbonesync.jdbc;

import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;

/** The JDBC envelope id store on H2 passes its compatibility kit. */
class JdbcEnvelopeIdStoreTest {

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return H2StoresTest.fresh();
    }
  }
}
