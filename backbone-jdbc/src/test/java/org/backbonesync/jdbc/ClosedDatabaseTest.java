package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A database that closed under the stores (as H2 closes it when a write meets a full disk, its
 * connections still reporting themselves open) is opened again by the call after the one that
 * found it closed: in an operator's trial of the service on a full disk, every later call reused
 * the connection the stores kept, and failed with "The database has been closed" after the disk
 * had room again, until a restart.
 */
class ClosedDatabaseTest {
  private static final String PREFIX = "jdbc:closing:";

  /** Over H2: its connections made so far fail as H2's do once it closed the database. */
  private final ClosingDriver driver = new ClosingDriver();
  private final String url = PREFIX + "jdbc:h2:mem:closed-" + UUID.randomUUID()
      + ";DB_CLOSE_DELAY=-1";

  @BeforeEach
  void register() throws SQLException {
    DriverManager.registerDriver(driver);
  }

  @AfterEach
  void deregister() throws SQLException {
    DriverManager.deregisterDriver(driver);
  }

  @Test
  void aClosedDatabaseIsOpenedAgainByTheNextCall() {
    JdbcStores stores = JdbcStores.atUrl(url, null, null);
    try {
      stores.watermarks().setWatermark("PA", 42); // (its connection kept for the next call)
      driver.closeDatabase();

      StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
          () -> stores.watermarks().watermark("PA"));
      assertEquals("database operation failed: The database has been closed (SQL state 90098)",
          e.getMessage());
      assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"));
    } finally {
      stores.close();
    }
  }

  @Test
  void aKeptConnectionThatFailsAsItIsTakenIsClosedAndReplaced() {
    driver.refusesAutoCommit = true; // (as H2 refuses to commit a closed database's work)
    JdbcStores stores = JdbcStores.atUrl(url, null, null);
    try {
      // (its connection kept for the next call, as a transaction leaves it: no autocommit)
      stores.inTransaction(() -> {
        stores.watermarks().setWatermark("PA", 42);
        return null;
      });
      driver.closeDatabase();
      int kept = driver.made.size();

      assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"),
          "read on a new connection, not failed for the kept one");
      assertEquals(kept, driver.closedAfterClosing.get(),
          "the kept connections closed, not leaked");
    } finally {
      stores.close();
    }
  }

  /**
   * The store-down failure met inside a transaction and wrapped by the work (an engine's step
   * that adds what it was doing) is still the database's: the connection is closed, not kept.
   */
  @Test
  void aWrappedStoreDownFailureAlsoClosesItsConnection() {
    JdbcStores stores = JdbcStores.atUrl(url, null, null);
    try {
      stores.watermarks().setWatermark("PA", 42); // (its connection kept for the next call)
      driver.closeDatabase();

      SyncException e = assertThrows(SyncException.class, () -> stores.inTransaction(() -> {
        try {
          return stores.watermarks().watermark("PA");
        } catch (StoreUnavailableException down) {
          throw new SyncException("reading PA's watermark failed", down);
        }
      }));
      assertEquals("reading PA's watermark failed", e.getMessage());
      assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"),
          "read on a new connection, not failed again on the kept one");
    } finally {
      stores.close();
    }
  }

  /**
   * A driver whose connections, once {@link #closeDatabase}, refuse every statement, and to
   * change their autocommit.
   */
  private static final class ClosingDriver implements Driver {
    /** Whether each connection made so far found its database closed. */
    final List<AtomicBoolean> made = new CopyOnWriteArrayList<>();
    /** How many connections that found their database closed were closed. */
    final AtomicInteger closedAfterClosing = new AtomicInteger();
    /** Whether a connection that found its database closed refuses to change its autocommit. */
    volatile boolean refusesAutoCommit;

    void closeDatabase() {
      made.forEach(closed -> closed.set(true));
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
      if (!acceptsURL(url)) {
        return null;
      }
      Connection h2 = DriverManager.getConnection(url.substring(PREFIX.length()), info);
      AtomicBoolean closed = new AtomicBoolean();
      made.add(closed);
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (closed.get() && method.getName().equals("close")) {
              closedAfterClosing.incrementAndGet();
            }
            if (closed.get() && (method.getName().matches("prepare.*|create.*")
                || refusesAutoCommit && method.getName().equals("setAutoCommit"))) {
              throw new SQLException("The database has been closed", "90098");
            }
            try {
              return method.invoke(h2, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public boolean acceptsURL(String url) {
      return url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
      return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
      return 1;
    }

    @Override
    public int getMinorVersion() {
      return 0;
    }

    @Override
    public boolean jdbcCompliant() {
      return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }
  }
}
