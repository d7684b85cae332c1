package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A row read for update stays the reader's until its transaction ends: another node (another
 * connection to the same database) can neither take it for update nor write it meanwhile, and
 * then sees what the first one wrote. This is what keeps two engine nodes from writing back each
 * other's stale rows. The second node's wait is cut short by a lock timeout to see it.
 */
class RowLockTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private final ExecutorService firstNode = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    firstNode.shutdownNow();
  }

  @Test
  void onH2() throws Exception {
    String url = "jdbc:h2:mem:locks" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1"
        + ";LOCK_TIMEOUT=300";
    aRowReadForUpdateIsTheReadersUntilItsTransactionEnds(
        JdbcStores.atUrl(url, null, null), JdbcStores.atUrl(url, null, null));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() throws Exception {
    String url = PostgresStoresTest.freshSchemaUrl() + "&options=-c%20lock_timeout=300";
    aRowReadForUpdateIsTheReadersUntilItsTransactionEnds(
        JdbcStores.atUrl(url, null, null), JdbcStores.atUrl(url, null, null));
  }

  private void aRowReadForUpdateIsTheReadersUntilItsTransactionEnds(Stores one, Stores two)
      throws Exception {
    SyncInfo row = one.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch end = new CountDownLatch(1);
    Future<?> first = firstNode.submit(() -> one.inTransaction(() -> {
      SyncInfo mine = one.syncInfo().findByIdForUpdate("PA", row.id()).orElseThrow();
      one.syncInfo().update(mine.withSent(mine.outgoingMessageSequenceId() + 1, 50));
      held.countDown();
      try {
        assertTrue(end.await(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return null;
    }));
    assertTrue(held.await(30, TimeUnit.SECONDS));

    SyncException refused = assertThrows(SyncException.class, () -> two.inTransaction(
        () -> two.syncInfo().findByIdForUpdate("PA", row.id())));
    assertTrue(refused.getMessage().toLowerCase().contains("lock"), refused.getMessage());
    assertEquals(0, two.syncInfo().findById("PA", row.id()).orElseThrow()
        .outgoingMessageSequenceId(), "a plain read does not wait and sees the row as committed");

    end.countDown();
    first.get(30, TimeUnit.SECONDS);
    SyncInfo after = two.inTransaction(() -> {
      SyncInfo mine = two.syncInfo().findByIdForUpdate("PA", row.id()).orElseThrow();
      two.syncInfo().update(mine.withSent(mine.outgoingMessageSequenceId() + 1, 60));
      return two.syncInfo().findById("PA", row.id()).orElseThrow();
    });
    assertEquals(2, after.outgoingMessageSequenceId(), "both increments count");
  }
}
