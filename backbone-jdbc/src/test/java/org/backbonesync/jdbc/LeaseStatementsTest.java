package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.store.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What claiming and giving back a chunk of pairs costs the database, in statements it executes:
 * two nodes read the same inbox, so the second one asks for the pairs the first one just
 * claimed.
 */
class LeaseStatementsTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private final CountedStatements db = new CountedStatements("jdbc:h2:mem:leases"
      + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
  private final JdbcStores stores = JdbcStores.open(db.dataSource);
  private final LeaseStore leases = stores.leases();
  private final List<String> keys = new ArrayList<>();

  LeaseStatementsTest() {
    for (int i = 1; i <= 100; i++) {
      keys.add("PA-" + i);
    }
  }

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void pairsAnotherNodeHoldsAreRefusedInOneRead() {
    assertEquals(Set.copyOf(keys), leases.tryLeases("inbox:PB", keys, "node-1", 0, 1000));
    db.reset();

    assertEquals(Set.of(), leases.tryLeases("inbox:PB", keys, "node-2", 10, 1010));

    assertEquals(1, db.executions(), "statements executed"); // 101: a locking read per pair
  }

  @Test
  void aChunkOfPairsIsGivenBackInALockingReadAndADelete() {
    leases.tryLeases("inbox:PB", keys, "node-1", 0, 1000);
    db.reset();

    leases.release("inbox:PB", keys, "node-1");

    assertEquals(2, db.executions(), "statements executed"); // 100: a delete per pair
    assertEquals(Set.copyOf(keys), leases.tryLeases("inbox:PB", keys, "node-2", 10, 1010));
  }
}
