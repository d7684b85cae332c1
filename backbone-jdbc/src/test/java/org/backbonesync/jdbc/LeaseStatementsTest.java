package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
  private final String url = "jdbc:h2:mem:leases" + DATABASES.incrementAndGet()
      + ";DB_CLOSE_DELAY=-1";
  private final CountedStatements db = new CountedStatements(url);
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

  /**
   * Two nodes claim the same pairs at once: both read no rows, and node-1's inserts commit
   * before node-2's. Node-2 reads the rows made meanwhile again and inserts the rest at once (a
   * savepoint, an insert and, for each key refused, a locking read per key before).
   */
  @Test
  void pairsAnotherNodeClaimedMeanwhileAreRefusedInOneRead() throws Exception {
    List<String> first = keys.subList(0, 50);
    db.afterFirst("SELECT lease_key, node, until_ms FROM bb_lease", () -> {
      try (Connection other = DriverManager.getConnection(url)) { // node-1, committed
        try (PreparedStatement insert = other.prepareStatement("INSERT INTO bb_lease (scope,"
            + " lease_key, node, until_ms) VALUES ('inbox:PB', ?, 'node-1', 1000)")) {
          for (String key : first) {
            insert.setString(1, key);
            insert.addBatch();
          }
          insert.executeBatch();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    db.reset();

    Set<String> held = leases.tryLeases("inbox:PB", keys, "node-2", 10, 1010);

    assertEquals(Set.copyOf(keys.subList(50, 100)), held);
    // a read, the insert refused, the read again, the rest's insert; the commit
    assertEquals(5, db.count(), "round trips"); // 153: an insert per key, a locking read per
    // key refused
    assertEquals(Set.of(), leases.tryLeases("inbox:PB", first, "node-2", 20, 1020));
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
