package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.backbonesync.jdbc.JdbcStores.Schema;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcStores#close()} gives back what the stores opened: the H2 files close, every
 * connection is returned, a host's DataSource stays usable, and the stores refuse later calls.
 */
class CloseTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void closedH2StoresLeaveTheirFilesClosedToBeDeletedAndOpenedAfresh() throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
    for (int i = 0; i < 4; i++) { // several connections kept idle
      stores.inTransaction(() -> stores.syncInfo().list("PA"));
    }
    assertTrue(openFilesIn(dir) > 0, "the files are open");

    stores.close();

    assertEquals(0, openFilesIn(dir), "no file of the directory is open");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    try (JdbcStores fresh = JdbcStores.inDirectory(dir)) {
      assertEquals(List.of(), fresh.syncInfo().list("PA"),
          "a new database, not the old one still open in this process");
    }
  }

  @Test
  void closedH2StoresCanBeOpenedAgainWithTheirRows() {
    SyncInfo row;
    try (JdbcStores first = JdbcStores.inDirectory(dir)) {
      row = first.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
    }

    try (JdbcStores again = JdbcStores.inDirectory(dir)) {
      assertEquals(row, again.syncInfo().findByLocalKey("PA", "PA-1").orElseThrow());
    }
  }

  /**
   * A closed store is unavailable, as a database gone is: a step still running when its host
   * closed the stores (a service's stop) ends at its next store call, instead of failing issue
   * by issue with an {@link IllegalStateException} until the process exits.
   */
  @Test
  void everyCallAfterCloseFailsAsTheStoreUnavailable() {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    stores.close();

    for (Executable call : List.<Executable>of(
        () -> stores.syncInfo().list("PA"),
        () -> stores.messages().outgoingCount("PA"),
        () -> stores.watermarks().watermark("PA"),
        () -> stores.tasks().unfinished(),
        () -> stores.leases().tryLease("scope", "key", "node", 0, 1),
        () -> stores.inTransaction(() -> 1))) {
      StoreUnavailableException refused = assertThrows(StoreUnavailableException.class, call);
      assertEquals("JdbcStores[" + JdbcStores.h2Url(dir).replace(";WRITE_DELAY=0", "?...")
          + "] is closed", refused.getMessage());
    }
  }

  @Test
  void closingTwiceIsHarmless() {
    JdbcStores stores = JdbcStores.inDirectory(dir);

    stores.close();
    stores.close();

    assertThrows(StoreUnavailableException.class, () -> stores.syncInfo().list("PA"));
  }

  @Test
  void aClosedStoreAsksAHostsDataSourceForNoConnection() {
    CountingDataSource host = new CountingDataSource(Schemas.dataSource(
        "jdbc:h2:mem:close" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"));
    JdbcStores stores = JdbcStores.open(host);
    stores.close();
    int borrowed = host.borrowed.get();

    assertThrows(StoreUnavailableException.class, () -> stores.watermarks().watermark("PA"));

    assertEquals(borrowed, host.borrowed.get());
  }

  /**
   * A poll whose host closes the stores under it ends at the next store call, failed as for a
   * database gone, no issue reported as failing (before, each further issue of its page failed
   * with "is closed", an EXPORT_FAILED event and a WARN line each).
   */
  @Test
  void aPollWhoseStoresCloseUnderItEndsThere() {
    JdbcStores jdbc = JdbcStores.inDirectory(dir);
    AtomicInteger transactions = new AtomicInteger();
    SyncTestDriver sync = SyncTestDriver.builder().stores(new ForwardingStores(jdbc) {
      @Override
      public <T> T inTransaction(Supplier<T> work) {
        if (transactions.incrementAndGet() == 3) {
          jdbc.close(); // (a service's stop; each new issue's message is a transaction)
        }
        return super.inTransaction(work);
      }
    }).build();
    for (int i = 1; i <= 10; i++) {
      sync.a("alice").create("issue " + i);
    }

    assertThrows(StoreUnavailableException.class, () -> sync.poll("PA"));

    assertEquals(List.of(), sync.events().events(RecordingListener.Type.EXPORT_FAILED));
  }

  @Test
  void aHostsDataSourceGetsEveryConnectionBackAndStaysOpen() throws Exception {
    CountingDataSource host = new CountingDataSource(Schemas.dataSource(
        "jdbc:h2:mem:close" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"));
    JdbcStores stores = JdbcStores.open(host);
    stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

    stores.close();

    assertEquals(0, host.open.get(), "connections still borrowed");
    assertTrue(host.borrowed.get() > 0);
    try (JdbcStores again = JdbcStores.open(host, Schema.VALIDATE)) {
      assertEquals(1, again.syncInfo().list("PA").size(), "the host's DataSource still works");
    }
  }

  @Test
  void aRefusedOpenGivesBackItsConnections() {
    CountingDataSource host = new CountingDataSource(Schemas.dataSource(
        "jdbc:h2:mem:close" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"));

    assertThrows(SchemaMismatchException.class, () -> JdbcStores.open(host, Schema.VALIDATE));

    assertEquals(0, host.open.get());
  }

  @Test
  void aTransactionRunningWhenTheStoresCloseEndsAndThenGivesBackItsConnection()
      throws Exception {
    CountingDataSource host = new CountingDataSource(Schemas.dataSource(
        "jdbc:h2:mem:close" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"));
    JdbcStores stores = JdbcStores.open(host);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    ExecutorService node = Executors.newSingleThreadExecutor();
    try {
      Future<SyncInfo> running = node.submit(() -> stores.inTransaction(() -> {
        inside.countDown();
        await(closed);
        return stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
      }));
      assertTrue(inside.await(30, TimeUnit.SECONDS));

      stores.close();
      closed.countDown();

      assertEquals("PA-1", running.get(30, TimeUnit.SECONDS).localIssueKey(), "committed");
      assertEquals(0, host.open.get());
    } finally {
      node.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many of this process's open files are in the directory (0 without /proc). */
  private static long openFilesIn(Path directory) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc to see open files");
    Path real = directory.toRealPath();
    try (Stream<Path> links = Files.list(fds)) {
      return links.filter(link -> {
        try {
          return Files.readSymbolicLink(link).startsWith(real);
        } catch (IOException gone) {
          return false; // closed while listed
        }
      }).count();
    }
  }

  /** A host's DataSource that counts the connections borrowed and not yet closed. */
  private static final class CountingDataSource implements DataSource {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger borrowed = new AtomicInteger();
    private final DataSource target;

    CountingDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection real = target.getConnection();
      open.incrementAndGet();
      borrowed.incrementAndGet();
      AtomicBoolean closed = new AtomicBoolean();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close") && closed.compareAndSet(false, true)) {
              open.decrementAndGet();
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the stores use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return target.isWrapperFor(type);
    }
  }
}
