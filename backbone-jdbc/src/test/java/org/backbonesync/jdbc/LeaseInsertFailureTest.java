package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Found through the service (helper h194's trial, then StoreDownRoundTest): on H2 a claim's
 * batch insert of lease rows took any failure for "a row is there already" and went on, on a
 * connection the pool had closed meanwhile; the step then failed with "Connection is closed", no
 * SQL state, a failure of its own and not the store's being unavailable (and a single insert's
 * rollback to its savepoint, on that closed connection, hid the first failure the same way).
 * Only a unique key's refusal (23505) means another node has the key; any other failure is the
 * claim's, as it was.
 */
class LeaseInsertFailureTest {
  private volatile boolean down;

  @Test
  void aClaimWhoseInsertFailsForTheDatabaseGoneFailsSo() {
    JdbcStores stores = JdbcStores.open(failingInserts());
    try {
      down = true;
      StoreUnavailableException failed = assertThrows(StoreUnavailableException.class,
          () -> stores.leases().tryLeases("pairs", List.of("PA-1", "PA-2"), "node-1", 0, 1000));

      assertTrue(failed.getMessage().contains("57P01"), failed.getMessage());
    } finally {
      down = false;
      stores.close();
    }
  }

  @Test
  void aKeyLeasedByAnotherNodeIsStillRefusedQuietly() {
    JdbcStores stores = JdbcStores.open(failingInserts());
    try {
      assertEquals(Set.of("PA-1"), stores.leases().tryLeases("pairs", List.of("PA-1"),
          "node-2", 0, 1000));

      assertEquals(Set.of("PA-2"), stores.leases().tryLeases("pairs", List.of("PA-1", "PA-2"),
          "node-1", 0, 1000));
    } finally {
      stores.close();
    }
  }

  /** H2, whose lease inserts fail as PostgreSQL's ending a connection fails them, while down. */
  private DataSource failingInserts() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:lease-insert-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object got = invoke(h2, method, args);
          return got instanceof Connection c ? failing(c) : got;
        });
  }

  /**
   * The connection; once a lease insert failed, closed under its user as HikariCP closes one
   * that failed with a fatal state: every later call fails with "Connection is closed" and no
   * SQL state.
   */
  private Connection failing(Connection h2) {
    boolean[] broken = {false};
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (broken[0] && !method.getName().matches("close|isClosed")) {
            throw new SQLException("Connection is closed");
          }
          if (down && method.getName().equals("prepareStatement")
              && String.valueOf(args[0]).startsWith("INSERT INTO bb_lease")) {
            broken[0] = true;
            throw new SQLException("FATAL: terminating connection due to administrator command",
                "57P01");
          }
          return invoke(h2, method, args);
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
