package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.kit.LeaseStoreCompatibilityKit;
import org.backbonesync.testkit.kit.MessageStoreCompatibilityKit;
import org.backbonesync.testkit.kit.SyncInfoStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TaskStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC stores on H2 pass every store compatibility kit, and keep their data on disk. */
class H2StoresTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  /** A fresh in-memory H2 database per test. */
  static Stores fresh() {
    return JdbcStores.atUrl("jdbc:h2:mem:kit" + DATABASES.incrementAndGet()
        + ";DB_CLOSE_DELAY=-1", null, null);
  }

  @Nested
  class SyncInfos extends SyncInfoStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Leases extends LeaseStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Messages extends MessageStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Tasks extends TaskStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Test
  void rowsSurviveClosingAndReopeningTheFiles(@TempDir Path dir) {
    JdbcStores first = JdbcStores.inDirectory(dir);
    SyncInfo row = first.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

    JdbcStores again = JdbcStores.inDirectory(dir); // the schema is there: nothing to migrate

    assertEquals(row, again.syncInfo().findByLocalKey("PA", "PA-1").orElseThrow());
  }

  /**
   * A thread interrupted while it writes (a host's {@code Future.cancel(true)}, an executor's
   * {@code shutdownNow}, the service's stop ending a request) neither fails its write nor closes
   * the files: H2's default file channel is closed by an interrupt, which closed the database for
   * every later call of the process.
   */
  @Test
  void anInterruptedWriterKeepsItsInterruptAndTheStoresStayOpen(@TempDir Path dir) {
    try (JdbcStores stores = JdbcStores.inDirectory(dir)) {
      stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

      Thread.currentThread().interrupt();
      try {
        stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-2", "PB-2", 1000));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is the caller's");
      } finally {
        Thread.interrupted();
      }
      stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-3", "PB-3", 1000));

      assertEquals(List.of("PA-1", "PA-2", "PA-3"), stores.syncInfo().list("PA").stream()
          .map(SyncInfo::localIssueKey).sorted().toList());
    }
  }

  @Test
  void aHostsOwnConnectionToTheUrlOfTheFilesSeesTheRows(@TempDir Path dir) throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

    String url = JdbcStores.h2Url(dir);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.ResultSet r = c.createStatement().executeQuery(
            "SELECT local_issue_key FROM bb_sync_info")) {
      assertTrue(r.next());
      assertEquals("PA-1", r.getString(1));
    }
    assertTrue(url.endsWith(";WRITE_DELAY=0"), url);
  }
}
