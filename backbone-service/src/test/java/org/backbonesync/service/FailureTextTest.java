package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.pool.HikariPool;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * What the service prints of a failure: never "null" for an exception without a message (an
 * operator's trial: exit-5 lines ended in ": null"), but the first message among its causes,
 * else its class's name.
 */
class FailureTextTest {
  private static final ServiceConfig.Store POSTGRES =
      new ServiceConfig.Store(null, "jdbc:postgresql://db:5432/sync", "sync", "pw", 5);

  @Test
  void aStoreWhoseFailureHasNoMessageIsExit5NamingItsClass() {
    ServiceFailure f = SyncService.cannotOpen(new ServiceConfig.Store(Path.of("data"), null,
        null, null, 5), new IllegalStateException((String) null));

    assertEquals(ServiceMain.STORE, f.exitCode());
    assertEquals("the store (H2 files in data) cannot be opened:"
        + " java.lang.IllegalStateException", f.getMessage());
  }

  @Test
  void aRootCauseWithoutMessageIsNamedByItsClass() {
    ServiceFailure f = SyncService.cannotOpen(POSTGRES, new HikariPool.PoolInitializationException(
        new SQLException("Connection to db:5432 refused.", "08001", new ConnectException())));

    assertEquals("the store (database jdbc:postgresql://db:5432/sync) cannot be opened: Failed to"
        + " initialize pool: Connection to db:5432 refused.: java.net.ConnectException",
        f.getMessage());
  }

  @Test
  void aFailureWithoutMessageTellsItsCausesFirstMessage() {
    RuntimeException e = new RuntimeException(null,
        new IllegalStateException(null, new SQLException("Connection refused")));

    assertEquals("Connection refused", ServiceFailure.why(e));
    assertEquals("Connection refused", ServiceFailure.withRootCause(e));
    assertEquals("java.lang.NullPointerException",
        ServiceFailure.why(new NullPointerException()));
  }
}
